import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testNodePki, type TestNodePki } from '../../test/support/node-pki.ts';
import { CapstanError } from '../api/errors.ts';
import type { Node, Pod } from '../api/types.ts';
import { startLogServer, type LogServer } from '../node/node-endpoint-server.ts';
import type { LogLine, LogSource, LogStreamOptions } from '../resolvers/logs.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from '../util/logger.ts';
import { NodeLogSource } from './node-log-source.ts';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '',
  },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x' }] },
};

/** A log source that yields `lines`, then (when following) waits until aborted, recording what it was asked. */
function fakeSource(lines: string[], options: { failAfter?: CapstanError } = {}) {
  const calls: { options: LogStreamOptions; released: boolean }[] = [];
  const source: LogSource = {
    async *stream(_pod: Pod, streamOptions: LogStreamOptions): AsyncGenerator<LogLine> {
      const call = { options: streamOptions, released: false };
      calls.push(call);
      streamOptions.signal?.addEventListener('abort', () => (call.released = true));
      for (const text of lines) yield { container: streamOptions.container, text, timestamp: '2024-01-01T00:00:00Z' };
      if (options.failAfter) throw options.failAfter;
      if (streamOptions.follow && streamOptions.signal && !streamOptions.signal.aborted) {
        await new Promise((resolve) => streamOptions.signal!.addEventListener('abort', resolve));
      }
    },
  };
  return { source, calls };
}

let pki: TestNodePki;
beforeAll(async () => {
  pki = await testNodePki();
});
afterAll(() => pki?.dispose());

let server: LogServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function nodeWith(source: LogSource): Promise<NodeLogSource> {
  server = await startLogServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: 'n1',
    target: () => ({
      logSource: source,
      execSource: { exec: () => Promise.reject(new CapstanError('UNAVAILABLE', 'no exec in this test')) },
      findPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined),
    }),
    tls: await pki.node('n1'),
    logger: createLogger({ level: 'silent' }),
  });
  const node = {
    metadata: { name: 'n1' },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: server.port } },
    },
  } as Node;
  const store = { tryGet: async () => node } as unknown as Store;
  return new NodeLogSource({ store, dialer: pki.dialer });
}

async function collect(iterable: AsyncIterable<LogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of iterable) out.push(line.text);
  return out;
}

describe('NodeLogSource with a node log endpoint', () => {
  it('streams the lines of the container from the node, with tailLines passed on', async () => {
    const fake = fakeSource(['one', 'two']);
    const logs = await nodeWith(fake.source);
    const lines = await logs.stream(pod, { container: 'app', follow: false, tailLines: 2 });
    expect(await collect(lines)).toEqual(['one', 'two']);
    expect(fake.calls[0]!.options).toMatchObject({ container: 'app', follow: false, tailLines: 2 });
  });

  it("releases the node's stream at once when the reader stops following a quiet container", async () => {
    const fake = fakeSource(['first']);
    const logs = await nodeWith(fake.source);
    const iterator = (await logs.stream(pod, { container: 'app', follow: true }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.text).toBe('first');
    const waiting = iterator.next();
    await iterator.return!();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await expect.poll(() => fake.calls[0]!.released, { timeout: 5_000 }).toBe(true);
  });

  it('ends with the error the node reports in the middle of a stream', async () => {
    const fake = fakeSource(['one'], { failAfter: new CapstanError('UNAVAILABLE', 'the engine went away') });
    const logs = await nodeWith(fake.source);
    const lines: string[] = [];
    let failure: unknown;
    try {
      for await (const line of await logs.stream(pod, { container: 'app', follow: false })) lines.push(line.text);
    } catch (err) {
      failure = err;
    }
    expect(lines).toEqual(['one']);
    expect(failure).toBeInstanceOf(CapstanError);
    expect(failure).toMatchObject({ code: 'UNAVAILABLE', message: 'the engine went away' });
  });

  it("passes on the node's NOT_FOUND for a container without logs", async () => {
    const logs = await nodeWith({
      stream: () => {
        throw new CapstanError('NOT_FOUND', 'container app of pod default/web has not been created yet: no logs');
      },
    });
    await expect(logs.stream(pod, { container: 'app', follow: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/has not been created yet/) as unknown,
    });
  });

  it('says which node cannot be reached, and why', async () => {
    const logs = await nodeWith(fakeSource([]).source);
    await server!.close();
    server = undefined;
    await expect(logs.stream(pod, { container: 'app', follow: false })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(
        /^node n1 is not reachable for logs: https:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
      ) as unknown,
    });
  });

  it('reads a pod on a node of this process from that node agent, without HTTP', async () => {
    const logs = await nodeWith(fakeSource(['remote']).source);
    const local = fakeSource(['local']);
    const detach = logs.attach('n1', local.source);
    expect(await collect(await logs.stream(pod, { container: 'app', follow: false }))).toEqual(['local']);
    detach();
    expect(await collect(await logs.stream(pod, { container: 'app', follow: false }))).toEqual(['remote']);
  });

  it('refuses a pod that is not scheduled yet', async () => {
    const logs = await nodeWith(fakeSource([]).source);
    const pending = { ...pod, spec: { containers: pod.spec!.containers }, status: { phase: 'Pending' as const } };
    await expect(logs.stream(pending, { container: 'app', follow: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'pod default/web is Pending and not scheduled to a node yet: it has no logs until it runs',
    });
  });
});
