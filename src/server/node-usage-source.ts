import { STATS_SUMMARY_PATH } from '../api/node-endpoint.ts';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { ContainerCounters, ResourceUsage, UsageSummary } from '../node/usage-sampler.ts';
import { callDigest, nodeEndpoint, UntrustedNodeSerialError, type NodeDialer } from '../pki/node-endpoint-tls.ts';
import type { UsageSource } from '../resolvers/usage.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../util/logger.ts';
import { describeError, readSmall } from './node-log-source.ts';

export interface NodeUsageSourceOptions {
  store: Store;
  /** TLS to node endpoints and the call authorizations (node-endpoint-tls.ts). */
  dialer: NodeDialer;
  logger: Logger;
  /** How long a node's summary is reused: every query within it costs the node nothing. Default 5 s. */
  cacheMs?: number;
  /** How long a node may take to answer. Default 5 s. */
  timeoutMs?: number;
}

/** A summary is at most this big: ~200 bytes a pod. */
const SUMMARY_LIMIT_CHARS = 8 * 1024 * 1024;

/**
 * The API's UsageSource, as metrics-server reads kubelets' summaries: an agent of this process answers from its
 * sampler; any other node at `GET /stats/summary` of its endpoint over mutual TLS with a call authorization for that
 * request only. A node's answer is reused for `cacheMs` and concurrent readers share one request, so a list of pods
 * with their usage costs each node one request at most. A node that cannot answer has no figures (null), it is no
 * error of the query.
 */
export class NodeUsageSource implements UsageSource {
  private readonly local = new Map<string, { summary(): UsageSummary }>();
  private readonly cache = new Map<string, { at: number; summary: Promise<UsageSummary | undefined> }>();

  constructor(private readonly options: NodeUsageSourceOptions) {}

  /** Serves `nodeName` from an in-process agent's sampler; the returned function undoes it. */
  attachNode(nodeName: string, sampler: { summary(): UsageSummary }): () => void {
    this.local.set(nodeName, sampler);
    return () => {
      if (this.local.get(nodeName) === sampler) this.local.delete(nodeName);
    };
  }

  summary(nodeName: string): Promise<UsageSummary | undefined> {
    const local = this.local.get(nodeName);
    if (local) return Promise.resolve(local.summary());
    const now = Date.now();
    const cached = this.cache.get(nodeName);
    if (cached && now - cached.at < (this.options.cacheMs ?? 5_000)) return cached.summary;
    const summary = this.fetch(nodeName).catch((err: unknown) => {
      this.options.logger.debug({ err, node: nodeName }, 'no usage summary from the node');
      return undefined;
    });
    this.cache.set(nodeName, { at: now, summary });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return summary;
  }

  private async fetch(nodeName: string): Promise<UsageSummary | undefined> {
    const node = await this.options.store.tryGet('Node', undefined, nodeName);
    if (!node) return undefined;
    const endpoint = nodeEndpoint(node);
    if (typeof endpoint === 'string') return undefined;
    const path = STATS_SUMMARY_PATH;
    const { dialer } = this.options;
    const token = await dialer.authorize(nodeName, {
      verb: 'stats',
      namespace: '',
      pod: '',
      call: callDigest('GET', path),
    });
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const fetchWith = (agent: HttpsAgent) =>
      new Promise<string>((resolve, reject) => {
        const req = httpsRequest(new URL(path, endpoint.origin), {
          method: 'GET',
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
        req.once('response', (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`HTTP ${res.statusCode}`));
            return;
          }
          readSmall(res, SUMMARY_LIMIT_CHARS).then(resolve, reject);
        });
        req.once('error', (err) =>
          reject(err instanceof UntrustedNodeSerialError ? err : new Error(describeError(err, `node ${nodeName}`))),
        );
        req.end();
      });
    // Only certificates a live credential of the node holds, as logs and exec (a deleted node's is refused).
    const text = await dialer.withAgent(nodeName, fetchWith);
    return parseSummary(text);
  }
}

/** A node's answer, kept to what is well-formed: a malformed pod or container is left out, not the whole node. */
export function parseSummary(text: string): UsageSummary | undefined {
  const value = JSON.parse(text) as Partial<UsageSummary>;
  if (typeof value.node !== 'string' || !Array.isArray(value.pods)) return undefined;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  const usageOk = (u: unknown): u is ResourceUsage =>
    typeof u === 'object' &&
    u !== null &&
    finite((u as { cpuCores?: unknown }).cpuCores) &&
    finite((u as { memoryBytes?: unknown }).memoryBytes) &&
    typeof (u as { timestamp?: unknown }).timestamp === 'string';
  const countersOk = (c: unknown): c is ContainerCounters =>
    typeof c === 'object' &&
    c !== null &&
    typeof (c as { name?: unknown }).name === 'string' &&
    finite((c as { cpuSeconds?: unknown }).cpuSeconds) &&
    finite((c as { memoryBytes?: unknown }).memoryBytes) &&
    typeof (c as { timestamp?: unknown }).timestamp === 'string';
  const pods: UsageSummary['pods'] = [];
  for (const p of value.pods as unknown[]) {
    const pod = p as Partial<UsageSummary['pods'][number]> | null;
    if (typeof pod?.namespace !== 'string' || typeof pod.name !== 'string' || !usageOk(pod.usage)) continue;
    const containers = Array.isArray(pod.containers) ? pod.containers.filter(countersOk) : undefined;
    pods.push({ namespace: pod.namespace, name: pod.name, usage: pod.usage, ...(containers ? { containers } : {}) });
  }
  return {
    node: value.node,
    usage: usageOk(value.usage) ? value.usage : null,
    ...(finite(value.cpuSeconds) ? { cpuSeconds: value.cpuSeconds } : {}),
    pods,
  };
}
