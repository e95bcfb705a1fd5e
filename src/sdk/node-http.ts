import type { RequestOptions } from 'node:http';

/** One POST of a GraphQL request: what `CapstanClient.request` needs of HTTP. */
export type HttpPost = (
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text: string }>;

/**
 * The POST over Node's own `http`/`https` modules. Node's global fetch loads undici on first use, which costs a
 * short-lived process (one `capstan get`) about as much as starting Node itself; the CLI posts this way instead.
 * An aborted request rejects with the signal's reason (a TimeoutError for `AbortSignal.timeout`), as fetch does.
 */
export const nodeHttpPost: HttpPost = async (url, { headers, body, signal }) => {
  const target = new URL(url);
  const { request } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    signal,
  };
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => reject(signal.aborted ? signal.reason : err);
    const req = request(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(body);
  });
};
