import type { IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';
import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { isErrorCode, type ExecBody } from '../api/node-endpoint.ts';
import { callDigest, type NodeDialer } from '../pki/node-endpoint-tls.ts';
import type { ExecOutput, ExecRequest, ExecSource } from '../resolvers/exec.ts';
import type { Store } from '../store/store.ts';
import { describeError, nodeEndpointUrl, parseRecord, readSmall } from './node-log-source.ts';

export interface NodeExecSourceOptions {
  /** Where Node objects (address, endpoint port) are read. */
  store: Store;
  /** TLS to node endpoints and the call authorizations (node-endpoint-tls.ts). */
  dialer: NodeDialer;
  /** How long a node may take to answer beyond the command's own timeout. Default 15 s. */
  answerMarginMs?: number;
}

/** Answers bigger than this are not an ExecOutput: 1 MiB per stream is at most ~12 MiB of escaped JSON. */
const ANSWER_LIMIT_CHARS = 16 * 1024 * 1024;

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/**
 * The API's ExecSource for a whole cluster, as the API server proxies `kubectl exec` to the kubelet: a pod on a
 * node whose agent runs in this process runs the command through that agent directly; any other through its node's
 * endpoint (`POST /exec/<namespace>/<pod>/<container>`, node-endpoint-server.ts) over mutual TLS, with a call authorization
 * for this node, pod, container, command and call only (node-endpoint-tls.ts).
 */
export class NodeExecSource implements ExecSource {
  private readonly local = new Map<string, ExecSource>();

  constructor(private readonly options: NodeExecSourceOptions) {}

  /** Serves the pods of `nodeName` from an in-process agent's source; the returned function undoes it. */
  attach(nodeName: string, source: ExecSource): () => void {
    this.local.set(nodeName, source);
    return () => {
      if (this.local.get(nodeName) === source) this.local.delete(nodeName);
    };
  }

  async exec(pod: Pod, request: ExecRequest): Promise<ExecOutput> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      throw new CapstanError('CONFLICT', `pod ${podRef(pod)} is not scheduled to a node yet: nothing runs to exec in`);
    }
    const local = this.local.get(nodeName);
    return local ? local.exec(pod, request) : this.onNode(nodeName, pod, request);
  }

  private async onNode(nodeName: string, pod: Pod, request: ExecRequest): Promise<ExecOutput> {
    const unreachable = (why: string, cause?: unknown) =>
      new CapstanError('UNAVAILABLE', `node ${nodeName} is not reachable for exec: ${why}`, { cause });
    const node = await this.options.store.tryGet('Node', undefined, nodeName);
    if (!node) throw unreachable(`pod ${podRef(pod)} is bound to it, but no such node is registered`);
    const url = nodeEndpointUrl(node, 'exec', pod, request.container);
    if (typeof url === 'string') throw unreachable(url);

    const answerMs = request.timeoutSeconds * 1000 + (this.options.answerMarginMs ?? 15_000);
    const body: ExecBody = { command: request.command, timeoutSeconds: request.timeoutSeconds };
    const payload = JSON.stringify(body);
    const { dialer } = this.options;
    const token = await dialer.authorize(nodeName, {
      verb: 'exec',
      namespace: pod.metadata.namespace ?? 'default',
      pod: pod.metadata.name,
      container: request.container,
      call: callDigest('POST', url.pathname, payload),
    });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await dialer.withAgent(nodeName, (agent) =>
        post(url, token, payload, agent, answerMs, request.signal),
      ));
    } catch (err) {
      throw unreachable(`${url.origin}: ${describeError(err, `node ${nodeName}`)}`, err);
    }
    const record = parseRecord(text);
    if (status === 200) return toOutput(record, () => unreachable(`it sent a malformed answer: ${text.slice(0, 200)}`));
    const message = record?.error?.message;
    const detail = typeof message === 'string' ? message : text.trim().slice(0, 200) || 'no detail';
    if (status === 401 || status === 403) {
      throw unreachable(`it refused this API server's credential (HTTP ${status}): ${detail}`);
    }
    const code = record?.error?.code;
    if (isErrorCode(code) && status < 500) {
      throw new CapstanError(code, detail);
    }
    throw unreachable(`HTTP ${status}: ${detail}`);
  }
}

function toOutput(record: Record<string, unknown> | undefined, malformed: () => CapstanError): ExecOutput {
  const { stdout, stderr, exitCode, timedOut, truncated } = record ?? {};
  if (
    typeof stdout !== 'string' ||
    typeof stderr !== 'string' ||
    (exitCode !== null && typeof exitCode !== 'number') ||
    typeof timedOut !== 'boolean' ||
    typeof truncated !== 'boolean'
  ) {
    throw malformed();
  }
  return { stdout, stderr, exitCode, timedOut, truncated };
}

/**
 * POST with node:https rather than fetch: fetch gives up on response headers after 300 s, and a command may run
 * for up to 600. Resolves with the whole (bounded) answer.
 */
function post(
  url: URL,
  token: string,
  body: string,
  agent: Agent,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {
      method: 'POST',
      agent,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        accept: 'application/json',
      },
      ...(signal ? { signal } : {}),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.once('response', (res: IncomingMessage) => {
      readSmall(res, ANSWER_LIMIT_CHARS).then(
        (text) => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text });
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
    req.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
