import { request } from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../src/api/types.ts';
import { startLogServer, type LogServer, type LogServerTarget } from '../src/node/node-endpoint-server.ts';
import { callDigest } from '../src/pki/node-endpoint-tls.ts';
import { createLogger } from '../src/util/logger.ts';
import { MAX_STALL_MS, report, runs, StallProbe } from './fuzz/fuzz-support.ts';
import { testNodePki, type TestNodePki } from './support/node-pki.ts';

/** The node agent behind the endpoint, in memory: one pod default/web with container web. */
const target: LogServerTarget = {
  findPod: (namespace, name) =>
    namespace === 'default' && name === 'web'
      ? ({ kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'web', image: 'x' }] } } as Pod)
      : undefined,
  logSource: {
    async *stream(_pod, options) {
      for (let i = 0; i < Math.min(options.tailLines ?? 3, 3); i++)
        yield { container: options.container, text: `line ${i}` };
    },
  },
  execSource: {
    exec: async (_pod, req) => ({
      stdout: req.command.join(' '),
      stderr: '',
      exitCode: 0,
      timedOut: false,
      truncated: false,
    }),
  },
};

const segment = fc.oneof(
  fc.constantFrom('default', 'web', 'nope', '', '..', '.', '%2e%2e', '%2F', '%00', '%ZZ', 'a'.repeat(300), '💥'),
  fc.stringMatching(/^[a-z0-9%.-]{0,12}$/),
);
const path = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('/containerLogs/default/web/web', '/exec/default/web/web') },
  fc
    .tuple(
      fc.constantFrom('containerLogs', 'exec', 'healthz', '', 'metrics', 'containerLogs/'),
      fc.array(segment, { maxLength: 5 }),
    )
    .map(([root, parts]) => `/${[root, ...parts].join('/')}`),
  fc.string({ maxLength: 40 }).map((s) => `/${encodeURIComponent(s)}`),
  fc.constantFrom('/containerLogs/default/web/web', '/exec/default/web/web', '//', '/containerLogs/default/web/web/'),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?follow=true',
    '?follow=1',
    '?follow=maybe',
    '?tailLines=2',
    '?tailLines=-1',
    '?tailLines=1e9',
    '?tailLines=abc',
    '?tailLines=99999999999999999999',
    '?a=%ZZ',
  ),
  fc.string({ maxLength: 20 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);
const body = fc.oneof(
  fc.constant(''),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        command: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
        timeoutSeconds: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.jsonValue({ maxDepth: 0 })),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
  fc.constantFrom('{"command":["sh"]'.repeat(10), 'x'.repeat(200_000)),
);
/** `authorized`: a call authorization the API server signed for exactly this request; the rest are not. */
const authorization = fc.oneof(
  { weight: 3, arbitrary: fc.constant('authorized') },
  fc.constantFrom(
    'authorized',
    'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
    'Bearer wrong',
    'Bearer ',
    'Basic YTpi',
    'admin',
    '',
  ),
  fc.string({ maxLength: 30 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
);

interface Answer {
  status: number;
  body: string;
}

const ROUTE = /^\/(containerLogs|exec)\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;

/** The API server's authorization for this very request (as NodeLogSource and NodeExecSource sign them). */
async function authorizeFor(method: string, url: string, payload: string): Promise<string> {
  const match = ROUTE.exec(url.split('?')[0] ?? '');
  const decode = (s: string | undefined) => {
    try {
      return decodeURIComponent(s ?? '');
    } catch {
      return s ?? '';
    }
  };
  const body = match?.[1] === 'exec' && method === 'POST' ? payload : '';
  const token = await pki.dialer.authorize('fuzz-node', {
    verb: match?.[1] ?? 'none',
    namespace: decode(match?.[2]),
    pod: decode(match?.[3]),
    container: decode(match?.[4]),
    call: callDigest(method, url, body),
  });
  return `Bearer ${token}`;
}

let pki: TestNodePki;

async function send(port: number, method: string, url: string, auth: string, payload: string): Promise<Answer> {
  const header = auth === 'authorized' ? await authorizeFor(method, url, payload) : auth;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent: pki.dialer.agent('fuzz-node'),
        headers: header ? { authorization: header } : {},
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${url}`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close on an oversized body before it is all sent; it answered 400 first.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve({ status: 400, body: '' });
      else reject(err);
    });
    if (payload && method !== 'GET' && method !== 'HEAD') req.end(payload);
    else req.end();
  });
}

describe('fuzz: the node endpoint (log and exec paths over mutual TLS, in process with an in-memory agent)', () => {
  let server: LogServer;
  beforeAll(async () => {
    pki = await testNodePki();
    server = await startLogServer({
      host: '127.0.0.1',
      port: 0,
      nodeName: 'fuzz-node',
      target: () => target,
      tls: await pki.node('fuzz-node'),
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await pki?.dispose();
  });

  it('answers a path of two slashes with 404, not a failure (found by fuzzing: POST // answered 503)', async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await send(server.port, method, '//', 'authorized', '');
      expect(answer.status).toBe(404);
      expect(answer.body).toContain('NOT_FOUND');
    }
    const protocolRelative = await send(server.port, 'GET', '//evil/containerLogs/default/web/web', 'authorized', '');
    expect(protocolRelative.status).toBe(404);
  });

  it('answers every request with a 2xx or a coded 4xx, never a 500, a 503 or a hang', async () => {
    const probe = new StallProbe();
    const statuses = new Map<number, number>();
    let tried = 0;
    probe.start();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
        path,
        query,
        authorization,
        body,
        async (method, p, q, auth, payload) => {
          tried++;
          // Node's client refuses raw non-ASCII in a path; send it percent-encoded as a client would.
          const url = `${p}${q}`.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
          const answer = await send(server.port, method, url, auth, payload);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          // 503 is for an agent that is starting; this one runs, so a 503 is the endpoint's own failure.
          expect(answer.status, `status for ${method} ${url}: ${answer.body}`).not.toBe(503);
          const where = `${method} ${p}${q} (${auth}) ${payload.slice(0, 200)}`;
          expect([200, 400, 401, 403, 404, 405, 409, 410, 413, 429], `status ${answer.status} for ${where}`).toContain(
            answer.status,
          );
          if (answer.status >= 400 && method !== 'HEAD' && answer.status !== 405 && answer.body) {
            const error = (
              JSON.parse(answer.body.trim().split('\n')[0]!) as { error?: { code?: string; message?: string } }
            ).error;
            expect(typeof error?.code, `coded error for ${where}: ${answer.body}`).toBe('string');
          }
          probe.mark(where);
        },
      ),
      runs(300, 10_000),
    );
    probe.stop();
    report(`node endpoint (statuses ${JSON.stringify(Object.fromEntries(statuses))})`, tried, probe);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });
});
