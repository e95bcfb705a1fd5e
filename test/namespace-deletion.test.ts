import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCapstanError } from '../src/api/errors.ts';
import type { Kind, ObjectInput, Pod } from '../src/api/types.ts';
import { startControllerManager } from '../src/controllers/controller-manager.ts';
import { NAMESPACED_KINDS } from '../src/controllers/namespace-controller.ts';
import { newTestStore, waitFor } from './support/store.ts';

// Namespace deletion as Kubernetes does it: Terminating first (creates refused from that write on), then the
// namespace controller empties it and removes it. Before, the store deleted the contents and only then marked the
// namespace, so a create racing the deletion survived in a deleted namespace.

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
let store: TestStore;
let manager: ReturnType<typeof startControllerManager>;

function pod(name: string, namespace: string): ObjectInput<Pod> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'doomed' } },
    spec: { containers: [{ name: 'c', image: 'capstan/hello' }] },
  };
}

async function newNamespace(): Promise<string> {
  const name = `nsdel-${randomBytes(3).toString('hex')}`;
  await store.create('Namespace', { kind: 'Namespace', metadata: { name }, spec: {} });
  return name;
}

async function leftIn(namespace: string): Promise<string[]> {
  const left: string[] = [];
  for (const kind of NAMESPACED_KINDS as readonly Kind[]) {
    const { items } = await store.list(kind, { namespace });
    left.push(...items.map((i) => `${kind}/${i.metadata.name}`));
  }
  return left;
}

async function createMany(namespace: string, count: number, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await store.create('Pod', pod(`p-${next++}`, namespace));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

beforeAll(async () => {
  store = await newTestStore();
  manager = startControllerManager({ store, leaderElection: false, controllers: ['namespace-controller'] });
});

afterAll(async () => {
  await manager?.stop();
  await store?.dispose();
});

describe('namespace deletion', () => {
  it('goes Terminating at once, refuses creates with a coded error, then empties and removes the namespace', async () => {
    const ns = await newNamespace();
    await createMany(ns, 20);
    await store.create('Service', {
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { app: 'doomed' }, ports: [{ port: 80 }] },
    });
    const marked = await store.delete('Namespace', undefined, ns);
    expect(marked.status?.phase).toBe('Terminating');
    await expect(store.create('Pod', pod('late', ns))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await waitFor(async () => !(await store.tryGet('Namespace', undefined, ns)), {
      message: 'namespace removed',
      timeoutMs: 30_000,
    });
    expect(await leftIn(ns)).toEqual([]);
  });

  it('leaves nothing behind from creates racing the deletion', async () => {
    const ns = await newNamespace();
    await createMany(ns, 10);
    let created = 0;
    let refused = 0;
    let stop = false;
    // Writers keep creating while the namespace is deleted; every create either lands before the mark (and is
    // then deleted by the controller) or is refused.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop && i < 500; i++) {
        try {
          await store.create('Pod', pod(`race-${w}-${i}`, ns));
          created++;
        } catch (err) {
          if (!isCapstanError(err, 'FORBIDDEN') && !isCapstanError(err, 'NOT_FOUND')) throw err;
          refused++;
          stop = true;
        }
      }
    });
    // Let the writers get going, then delete while they run.
    await waitFor(async () => created >= 20, { message: 'racing creates' });
    await store.delete('Namespace', undefined, ns);
    await Promise.all(writers);
    expect(refused).toBeGreaterThan(0);
    await waitFor(async () => !(await store.tryGet('Namespace', undefined, ns)), {
      message: 'namespace removed',
      timeoutMs: 30_000,
    });
    expect(await leftIn(ns)).toEqual([]);
    // A namespace of the same name made again starts empty.
    await store.create('Namespace', { kind: 'Namespace', metadata: { name: ns }, spec: {} });
    expect(await leftIn(ns)).toEqual([]);
    await store.delete('Namespace', undefined, ns);
  });

  it('empties a namespace of many pods in batches and reports the rate', async () => {
    const count = Number(process.env.CAPSTAN_NS_DELETE_PODS || 2000);
    const ns = await newNamespace();
    await createMany(ns, count, 64);
    const started = performance.now();
    await store.delete('Namespace', undefined, ns);
    await waitFor(async () => !(await store.tryGet('Namespace', undefined, ns)), {
      message: 'namespace removed',
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    const seconds = (performance.now() - started) / 1000;
    const perSecond = count / seconds;
    console.log(
      `namespace deletion: ${count} pods in ${seconds.toFixed(2)} s (${perSecond.toFixed(0)} pods/s; ` +
        `20,000 pods ≈ ${(20_000 / perSecond).toFixed(1)} s at this rate)`,
    );
    expect(await leftIn(ns)).toEqual([]);
    expect(20_000 / perSecond).toBeLessThan(120);
  });

  it('deletes a listed batch in one step, skipping what changed since the list and keeping bound pods for their grace', async () => {
    const ns = await newNamespace();
    await createMany(ns, 5, 5);
    await store.mutate('Pod', ns, 'p-1', (p) => ({ ...p, spec: { ...p.spec!, nodeName: 'some-node' } }));
    await store.mutate('Pod', ns, 'p-2', (p) => ({ ...p, metadata: { ...p.metadata, finalizers: ['test/keep'] } }));
    const listed = (await store.list('Pod', { namespace: ns })).items;
    // Changed after the list: the batch must not delete it on a stale read.
    await store.mutate('Pod', ns, 'p-3', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'changed' } } }));
    const before = store.stats().roundTrips;
    const result = await store.deleteBatch('Pod', listed);
    expect(store.stats().roundTrips - before).toBe(1);
    expect(result).toEqual({ written: 4, skipped: 1 });
    const left = new Map((await store.list('Pod', { namespace: ns })).items.map((p) => [p.metadata.name, p]));
    expect([...left.keys()].sort()).toEqual(['p-1', 'p-2', 'p-3']);
    expect(left.get('p-1')!.metadata.deletionTimestamp).toBeDefined();
    expect(left.get('p-1')!.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(left.get('p-2')!.metadata.deletionTimestamp).toBeDefined();
    expect(left.get('p-3')!.metadata.deletionTimestamp).toBeUndefined();
    await store.mutate('Pod', ns, 'p-2', (p) => ({ ...p, metadata: { ...p.metadata, finalizers: [] } }));
    await store.delete('Pod', ns, 'p-1', { gracePeriodSeconds: 0 });
    await store.delete('Namespace', undefined, ns);
  });
});
