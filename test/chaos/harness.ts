import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Agent, fetch } from 'undici';
import WebSocket from 'ws';
import { createCapstanClient, type CapstanClient } from '../../src/sdk/client.ts';
import { TypedDocumentString } from '../../src/sdk/generated/graphql.ts';
import { CA_FILE, CLIENT_CONFIG, netnsPath } from '../../scripts/cluster/layout.ts';

/**
 * The chaos harness: steady load (HTTP from a bed host, API writes whose acknowledgements are recorded) and the
 * waits the scenarios need. Everything is bounded in time and goes only to the bed's own hosts.
 */

/** One finished HTTP request of the load. */
export interface HttpRecord {
  /** Milliseconds since the load started. */
  t: number;
  target: string;
  ok: boolean;
  ms: number;
  err?: string;
}

export interface HttpTarget {
  name: string;
  url: string;
}

export interface HttpLoad {
  /** Wall-clock time (Date.now()) the load started, to place faults on its time line. */
  readonly startedAt: number;
  /** Stops sending, waits for the requests in flight, resolves with every record. */
  stop(): Promise<HttpRecord[]>;
}

const LOAD_SCRIPT = new URL('./http-load.mjs', import.meta.url).pathname;

/**
 * Starts `http-load.mjs` in the network namespace of a bed host: `rate` requests per second to each target, a new
 * connection each, for at most `durationMs` (a hard upper bound; `stop()` ends it sooner).
 */
export function startHttpLoad(netns: string, targets: HttpTarget[], rate: number, durationMs: number): HttpLoad {
  const child = spawn(
    'nsenter',
    [
      `--net=${netnsPath(netns)}`,
      '--',
      process.execPath,
      LOAD_SCRIPT,
      JSON.stringify({ targets, rate, durationMs, timeoutMs: 10_000 }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const startedAt = Date.now();
  const records: HttpRecord[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      records.push(JSON.parse(line) as HttpRecord);
    } catch {
      // not a record
    }
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), durationMs + 15_000);
  return {
    startedAt,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      clearTimeout(hardStop);
      records.sort((a, b) => a.t - b.t);
      if (process.env.CHAOS_DUMP)
        writeFileSync(process.env.CHAOS_DUMP, records.map((r) => JSON.stringify(r)).join('\n'));
      return records;
    },
  };
}

/** A GraphQL client of the bed's API from this machine: TLS on the LAN with the cluster CA, the admin token. */
export class BedApi {
  private readonly dispatcher: Agent;

  private subscriptions: CapstanClient | undefined;

  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly ca: string,
  ) {
    this.dispatcher = new Agent({ connect: { ca }, connections: 8, headersTimeout: 10_000, bodyTimeout: 10_000 });
  }

  /**
   * Watches the ConfigMaps in `namespace` over graphql-ws (wss, the cluster CA) from now on, as a dashboard or informer
   * would: the names seen ADDED, and how many RESYNC events came (a RESYNC says a gap was filled by a snapshot).
   */
  watchWrites(namespace: string): {
    added: Set<string>;
    resyncs: () => number;
    ended: () => string | undefined;
    close(): Promise<void>;
  } {
    const ca = this.ca;
    class BedWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { ca });
      }
    }
    this.subscriptions ??= createCapstanClient({ url: this.url, token: this.token, webSocketImpl: BedWebSocket });
    const doc = new TypedDocumentString<
      { watch: { type: string; object: { metadata: { name: string } } | null } },
      { ns: string }
    >(
      'subscription ($ns: String) { watch(kind: ConfigMap, namespace: $ns) { type object { ... on ConfigMap { metadata { name } } } } }',
    );
    const sub = this.subscriptions.subscribe(doc, { ns: namespace });
    const added = new Set<string>();
    let resyncs = 0;
    let ended: string | undefined;
    void (async () => {
      try {
        for await (const { watch } of sub) {
          if (watch.type === 'RESYNC') resyncs++;
          else if (watch.type === 'ADDED' && watch.object) added.add(watch.object.metadata.name);
        }
        ended ??= 'the subscription completed';
      } catch (err) {
        ended = `the subscription failed: ${(err as Error).message}`;
      }
    })();
    return {
      added,
      resyncs: () => resyncs,
      ended: () => ended,
      close: () => sub.close(),
    };
  }

  /** The bed's own API server (host 0), or another server of the bed at `server`. */
  static fromBed(server?: string): BedApi {
    const config = readFileSync(CLIENT_CONFIG, 'utf8');
    const url = server ?? /^server:\s*(\S+)/m.exec(config)![1]!;
    const token = /^token:\s*(\S+)/m.exec(config)![1]!;
    return new BedApi(`${url}/graphql`, token, readFileSync(CA_FILE, 'utf8'));
  }

  /** Runs one operation; throws with the error code (or the transport error) on failure. */
  async request<T>(query: string, variables: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw Object.assign(new Error(first.message), { code: first.extensions?.code ?? 'ERROR' });
    }
    if (!response.ok || !body.data) throw Object.assign(new Error(`HTTP ${response.status}`), { code: 'HTTP' });
    return body.data;
  }

  async close(): Promise<void> {
    await this.subscriptions?.close();
    await this.dispatcher.close();
  }
}

/** One API write of the write load. */
export interface WriteRecord {
  t: number;
  ok: boolean;
  name: string;
  err?: string;
}

export interface WriteLoad {
  readonly startedAt: number;
  /** Stops, resolves with every attempt; `acknowledged` are the names the API confirmed. */
  stop(): Promise<{ records: WriteRecord[]; acknowledged: string[] }>;
  /** The attempts finished so far, while the load goes on. */
  peek(): { records: WriteRecord[] };
}

const CREATE_CONFIG_MAP = `mutation ($cm: ConfigMapInput!) { createConfigMap(configMap: $cm) { metadata { name } } }`;

/**
 * Creates ConfigMaps `w-<n>` in `namespace` back to back on `concurrency` lanes for at most `durationMs`, recording
 * which ones the API acknowledged. A failed write is recorded and the lane goes on after a short pause.
 */
export function startWriteLoad(api: BedApi, namespace: string, durationMs: number, concurrency = 2): WriteLoad {
  const startedAt = Date.now();
  const records: WriteRecord[] = [];
  let stopped = false;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (!stopped && Date.now() - startedAt < durationMs) {
      const name = `w-${startedAt.toString(36)}-${next++}`;
      const t = Date.now() - startedAt;
      try {
        await api.request(CREATE_CONFIG_MAP, {
          cm: { metadata: { name, namespace }, data: [{ key: 'writer', value: 'chaos' }] },
        });
        records.push({ t, ok: true, name });
      } catch (err) {
        records.push({ t, ok: false, name, err: (err as { code?: string }).code ?? String(err) });
        await sleep(200);
      }
    }
  };
  const lanes = Array.from({ length: concurrency }, () => lane());
  return {
    startedAt,
    async stop() {
      stopped = true;
      await Promise.all(lanes);
      records.sort((a, b) => a.t - b.t);
      return { records, acknowledged: records.filter((r) => r.ok).map((r) => r.name) };
    },
    peek() {
      return { records: [...records] };
    },
  };
}

/** Names of the ConfigMaps in `namespace` now, read back through the API. */
export async function writtenNames(api: BedApi, namespace: string): Promise<Set<string>> {
  const data = await api.request<{ configMaps: { items: { metadata: { name: string } }[] } }>(
    `query ($ns: String) { configMaps(namespace: $ns) { items { metadata { name } } } }`,
    { ns: namespace },
    30_000,
  );
  return new Set(data.configMaps.items.map((c) => c.metadata.name));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes; then throws naming `what`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${(lastError as Error).message?.split('\n')[0]})` : '';
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Requests per second of a load, per second since its start: ok and failed. */
export function perSecond(records: { t: number; ok: boolean }[], seconds: number): { ok: number[]; failed: number[] } {
  const ok = new Array<number>(seconds).fill(0);
  const failed = new Array<number>(seconds).fill(0);
  for (const r of records) {
    const s = Math.floor(r.t / 1000);
    if (s < 0 || s >= seconds) continue;
    if (r.ok) ok[s]!++;
    else failed[s]!++;
  }
  return { ok, failed };
}
