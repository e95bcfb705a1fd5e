import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizedStore } from '../src/auth/authorized-store.ts';
import { EventRecorder, recordEvent } from '../src/events/event-recorder.ts';
import type { Store } from '../src/store/store.ts';
import { newTestStore } from './support/store.ts';

let store: Awaited<ReturnType<typeof newTestStore>>;

beforeAll(async () => {
  store = await newTestStore();
});

afterAll(async () => {
  await store?.dispose();
});

describe('event recorder', () => {
  it('aggregates repeats of the same object, reason and message into one Event with a count', async () => {
    const pod = await store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { containers: [{ name: 'web', image: 'capstan/hello:1' }] },
    });
    const source = { component: 'scheduler' };
    await recordEvent(store, pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Too many pods.', source);
    await recordEvent(store, pod, 'Warning', 'FailedScheduling', '0/1 nodes are available: 1 Too many pods.', source);
    await recordEvent(store, pod, 'Normal', 'Scheduled', 'Successfully assigned default/web-1 to n1', source);
    const events = (await store.list('Event', { namespace: 'default' })).items;
    expect(events).toHaveLength(2);
    const failed = events.find((e) => e.reason === 'FailedScheduling')!;
    expect(failed).toMatchObject({
      type: 'Warning',
      count: 2,
      source,
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: pod.metadata.uid },
    });
    expect(failed.metadata.name.startsWith('web-1.')).toBe(true);
    expect(Date.parse(failed.lastTimestamp!)).toBeGreaterThanOrEqual(Date.parse(failed.firstTimestamp!));
  });

  it('puts events about cluster-scoped objects in default', async () => {
    await recordEvent(store, { kind: 'Node', name: 'n1' }, 'Warning', 'NodeNotReady', 'gone', { component: 'x' });
    const events = (await store.list('Event', { namespace: 'default' })).items;
    expect(events.some((e) => e.involvedObject.kind === 'Node' && e.reason === 'NodeNotReady')).toBe(true);
  });

  it('aggregates by creating Events when writing with a node credential, which may not update them', async () => {
    const pod = await store.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'crasher', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'capstan/hello:1' }] },
    });
    const nodeStore = new AuthorizedStore(store, { role: 'node', nodeName: 'n1', tokenName: 'node-n1' });
    const events = new EventRecorder(
      nodeStore,
      { component: 'capstan-node', host: 'n1' },
      { aggregation: 'create', aggregateWindowMs: 60_000 },
    );
    for (let i = 0; i < 3; i++) events.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await events.flush();
    await events.close();
    const backOffs = (await store.list('Event', { namespace: 'default' })).items.filter(
      (e) => e.involvedObject.name === 'crasher',
    );
    expect(backOffs.map((e) => e.count).sort()).toEqual([1, 3]);
    expect(backOffs.every((e) => e.source?.host === 'n1' && e.metadata.name.startsWith('crasher.'))).toBe(true);
    expect(new Set(backOffs.map((e) => e.firstTimestamp)).size).toBe(1);
  });

  it('never fails the caller when the event cannot be written', async () => {
    const broken = {
      create: () => Promise.reject(new Error('redis down')),
      mutate: () => Promise.reject(new Error('redis down')),
    } as unknown as Store;
    await expect(
      recordEvent(broken, { kind: 'Pod', name: 'p', namespace: 'default' }, 'Normal', 'X', 'y', { component: 'c' }),
    ).resolves.toBeUndefined();
  });
});
