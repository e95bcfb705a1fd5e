import { afterEach, describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { ContainerStatus, ObjectInput, Pod } from '../api/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { startNodeAgent } from './agent.ts';
import type { NodeAgent, NodeAgentOptions } from './agent.ts';
import { MemoryRuntime } from './memory-runtime.ts';

/** The real node agent on an in-memory runtime and store: adoption, resync and back-off without Docker or Redis. */

const agents: NodeAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
});

async function start(store: MemoryStore, runtime: MemoryRuntime, options: Partial<NodeAgentOptions> = {}) {
  const agent = await startNodeAgent({
    store,
    runtime,
    nodeName: 'n1',
    nodeAddress: '127.0.0.1',
    podSubnet: '10.250.1.0/24',
    dnsServerIp: '10.96.0.10',
    probe: runtime.probe,
    backoff: { initialMs: 200, maxMs: 800 },
    ...options,
  });
  agents.push(agent);
  return agent;
}

function boundPod(name: string, over: Partial<Pod['spec']> = {}): ObjectInput<Pod> {
  return {
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: 'n1',
      restartPolicy: 'Always',
      containers: [{ name: 'web', image: 'capstan/hello:latest' }],
      ...over,
    },
  };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 5_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const web = (pod: Pod | undefined): ContainerStatus | undefined =>
  pod?.status?.containerStatuses?.find((c) => c.name === 'web');
const ready = (pod: Pod | undefined) => pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

describe('node agent on an in-memory runtime', () => {
  it('registers the node and runs a bound pod: Running and Ready, with an address from the podCIDR', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime);
    const node = await store.get('Node', undefined, 'n1');
    expect(node.spec?.podCIDR).toBe('10.250.1.0/24');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await store.get('Lease', 'capstan-node-lease', 'n1');

    const created = await store.create('Pod', boundPod('p'));
    const pod = await until('the pod ready', async () => {
      const p = await store.get('Pod', 'default', 'p');
      return ready(p) && p;
    });
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toMatch(/^10\.250\.1\.\d+$/);
    expect([...runtime.running(created.metadata.uid).keys()]).toEqual(['web']);
  });

  it('a restarted agent adopts running containers instead of starting new ones, and removes orphans', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    const first = await start(store, runtime);
    const kept = await store.create('Pod', boundPod('kept'));
    const gone = await store.create('Pod', boundPod('gone'));
    await until(
      'both pods ready',
      async () => ready(await store.get('Pod', 'default', 'kept')) && ready(await store.get('Pod', 'default', 'gone')),
    );
    const before = runtime.running(kept.metadata.uid).get('web')!.id;

    await first.stop();
    // While no agent runs, one pod disappears from the store at once (its namespace was force-emptied, say).
    await store.delete('Pod', 'default', 'gone', { gracePeriodSeconds: 0 });
    const createsBefore = runtime.list().length;
    const second = await start(store, runtime);
    await second.idle();

    expect(runtime.running(gone.metadata.uid).size).toBe(0);
    expect(runtime.list().filter((c) => c.podUid === gone.metadata.uid)).toEqual([]);
    const after = runtime.running(kept.metadata.uid).get('web');
    expect(after?.id).toBe(before);
    expect(runtime.list().length).toBeLessThan(createsBefore);
    expect(web(await store.get('Pod', 'default', 'kept'))?.restartCount).toBe(0);
  });

  it('sees a container that stopped without an engine event at the next resync, and restarts it', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime, { resyncIntervalMs: 100 });
    const pod = await store.create('Pod', boundPod('p'));
    await until('the pod ready', async () => ready(await store.get('Pod', 'default', 'p')));
    const first = runtime.running(pod.metadata.uid).get('web')!;

    runtime.exitContainer(first.id, 1, { silent: true });
    const restarted = await until('a new attempt running', () => {
      const c = runtime.running(pod.metadata.uid).get('web');
      return c && c.id !== first.id && c;
    });
    expect(restarted.restartCount).toBe(1);
    await until(
      'restartCount 1 in status',
      async () => web(await store.get('Pod', 'default', 'p'))?.restartCount === 1,
    );
  });

  it('resyncs after the engine restarted (every container stopped, the event stream broke)', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime);
    const pod = await store.create('Pod', boundPod('p'));
    await until('the pod ready', async () => ready(await store.get('Pod', 'default', 'p')));

    runtime.restartEngine();
    await until('the pod running again after the engine restart', async () => {
      const p = await store.get('Pod', 'default', 'p');
      return ready(p) && runtime.running(pod.metadata.uid).has('web') && (web(p)?.restartCount ?? 0) >= 1;
    });
  });

  it('restarts a crash-looping container at once, then only after a growing back-off, showing CrashLoopBackOff', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime, { backoff: { initialMs: 300, maxMs: 1_200 } });
    const pod = await store.create('Pod', boundPod('p'));
    await until('the pod ready', async () => ready(await store.get('Pod', 'default', 'p')));

    const crash = async (attempt: number) => {
      const c = await until(`attempt ${attempt} running`, () => {
        const r = runtime.running(pod.metadata.uid).get('web');
        return r?.restartCount === attempt && r;
      });
      const at = Date.now();
      runtime.exitContainer(c.id, 2);
      return at;
    };
    // The first restart is immediate (the kubelet's back-off starts at the second).
    await crash(0);
    const crashed1 = await crash(1);
    const waiting = await until('CrashLoopBackOff', async () => {
      const w = web(await store.get('Pod', 'default', 'p'))?.state?.waiting;
      return w?.reason === 'CrashLoopBackOff' && w;
    });
    expect(waiting.message).toContain('back-off');
    await until('attempt 2 running', () => runtime.running(pod.metadata.uid).get('web')?.restartCount === 2);
    const waited1 = Date.now() - crashed1;
    expect(waited1).toBeGreaterThanOrEqual(250);

    const crashed2 = await crash(2);
    await until('attempt 3 running', () => runtime.running(pod.metadata.uid).get('web')?.restartCount === 3);
    expect(Date.now() - crashed2).toBeGreaterThanOrEqual(550);
  });

  it('reports a container that fails to start as RunContainerError and starts it once the engine lets it', async () => {
    const store = new MemoryStore();
    let failing = true;
    const runtime = new MemoryRuntime({
      faults: (operation) =>
        operation === 'startContainer' && failing
          ? new CapstanError('INVALID', 'no such file: /entrypoint')
          : undefined,
    });
    await start(store, runtime);
    const pod = await store.create('Pod', boundPod('p'));
    const waiting = await until('RunContainerError', async () => {
      const w = web(await store.get('Pod', 'default', 'p'))?.state?.waiting;
      return w?.reason === 'RunContainerError' && w;
    });
    expect(waiting.message).toContain('no such file');
    expect(runtime.running(pod.metadata.uid).size).toBe(0);

    failing = false;
    await until('the pod ready once starting works', async () => ready(await store.get('Pod', 'default', 'p')));
  });

  it('holds a pod whose claim is missing with the reason in its status, and runs it once the claim exists', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime);
    const volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
    const pod = await store.create('Pod', boundPod('p', { volumes }));
    const held = await until('the pod message', async () => (await store.get('Pod', 'default', 'p')).status?.message);
    expect(held).toBe('waiting for PersistentVolumeClaim "data" in namespace default: it does not exist');
    expect(runtime.running(pod.metadata.uid).size).toBe(0);
    const failedMount = await until('a FailedMount event', async () => {
      const list = await store.list('Event', { namespace: 'default' });
      return list.items.find((e) => e.reason === 'FailedMount');
    });
    expect(failedMount.message).toBe(held);

    // No event tells the agent about the claim: the pod's own retry (every 2 s) finds it.
    await store.create('PersistentVolumeClaim', {
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const running = await until('the pod ready once its claim exists', async () => {
      const p = await store.get('Pod', 'default', 'p');
      return ready(p) && p;
    });
    expect(running.status?.message).toBeUndefined();
  });

  describe('a pod whose process ignores SIGTERM, deleted with a 120 s grace period', () => {
    async function terminating(store: MemoryStore, runtime: MemoryRuntime) {
      runtime.ignoresSigterm.add('web');
      const stops: string[] = [];
      runtime.faults = (operation, subject) => {
        if (operation === 'stopContainer') stops.push(subject);
        return undefined;
      };
      const pod = await store.create('Pod', boundPod('stubborn', { terminationGracePeriodSeconds: 120 }));
      await until('the pod ready', async () => ready(await store.get('Pod', 'default', 'stubborn')));
      const [web] = runtime.running(pod.metadata.uid).values();
      await store.delete('Pod', 'default', 'stubborn');
      await until('the node to stop its container', () => stops.includes(web!.id));
      expect(runtime.running(pod.metadata.uid).size).toBe(1);
      return pod;
    }

    it('is killed at once when force deleted meanwhile (gone from the store)', async () => {
      const store = new MemoryStore();
      const runtime = new MemoryRuntime();
      await start(store, runtime);
      const pod = await terminating(store, runtime);
      await store.delete('Pod', 'default', 'stubborn', { gracePeriodSeconds: 0 });
      await until('its containers removed', () => runtime.list().every((c) => c.podUid !== pod.metadata.uid));
    });

    it('ends within a shorter grace period asked for by a second delete', async () => {
      const store = new MemoryStore();
      const runtime = new MemoryRuntime();
      await start(store, runtime);
      const pod = await terminating(store, runtime);
      await store.delete('Pod', 'default', 'stubborn', { gracePeriodSeconds: 1 });
      await until('the pod gone from the store', async () => !(await store.tryGet('Pod', 'default', 'stubborn')));
      expect(runtime.list().filter((c) => c.podUid === pod.metadata.uid)).toEqual([]);
    });

    it('does not hold up the agent’s shutdown; the next agent finishes the deletion', async () => {
      const store = new MemoryStore();
      const runtime = new MemoryRuntime();
      const agent = await start(store, runtime);
      const pod = await terminating(store, runtime);
      await until('the agent to stop', async () => {
        await agent.stop();
        return true;
      });
      const left = await store.get('Pod', 'default', 'stubborn');
      expect(left.metadata.deletionTimestamp).toBeDefined();
      await store.delete('Pod', 'default', 'stubborn', { gracePeriodSeconds: 1 });
      await start(store, runtime);
      await until('the pod gone from the store', async () => !(await store.tryGet('Pod', 'default', 'stubborn')));
      expect(runtime.list().filter((c) => c.podUid === pod.metadata.uid)).toEqual([]);
    });
  });

  it('finishes a graceful deletion: stops the containers, removes the pod from the runtime and the store', async () => {
    const store = new MemoryStore();
    const runtime = new MemoryRuntime();
    await start(store, runtime);
    const pod = await store.create('Pod', boundPod('p'));
    await until('the pod ready', async () => ready(await store.get('Pod', 'default', 'p')));
    await store.delete('Pod', 'default', 'p');
    await until('the pod gone from the store', async () => !(await store.tryGet('Pod', 'default', 'p')));
    expect(runtime.list().filter((c) => c.podUid === pod.metadata.uid)).toEqual([]);
  });
});
