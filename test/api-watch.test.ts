import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectInput, Pod } from '../src/api/types.ts';
import { newApi, type Api } from './api-support.ts';

let api: Api;
beforeAll(async () => {
  api = await newApi({ streamMaxLen: 50 });
});
afterAll(async () => {
  await api?.dispose();
});

type WatchPayload = {
  watch: { type: string; resourceVersion: string; object: { metadata: { name: string }; spec?: unknown } | null };
};

const WATCH = `subscription ($ns: String, $since: String, $selector: String) {
  watch(kind: Pod, namespace: $ns, sinceResourceVersion: $since, labelSelector: $selector) {
    type resourceVersion object { metadata { name } ... on Pod { displayStatus } }
  }
}`;

function pod(name: string, namespace: string, labels: Record<string, string> = { watched: 'yes' }): ObjectInput<Pod> {
  return { kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
}

async function nextEvent(sub: Awaited<ReturnType<Api['subscribe']>>) {
  const payload = await sub.next();
  if (payload.errors) throw new Error(JSON.stringify(payload.errors));
  return (payload.data as WatchPayload).watch;
}

describe('watch subscription', () => {
  it('sends the snapshot as ADDED and a BOOKMARK, then ADDED/MODIFIED/DELETED deltas, and resumes from a version', async () => {
    await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'w1' }, spec: {} });
    await api.store.create('Pod', pod('first', 'w1'));
    await api.store.create('Pod', pod('unrelated', 'w1', { watched: 'no' }));
    const sub = await api.subscribe<WatchPayload>(WATCH, { ns: 'w1', selector: 'watched=yes' });
    expect(sub.status).toBe(200);
    const added = await nextEvent(sub);
    expect([added.type, added.object?.metadata.name]).toEqual(['ADDED', 'first']);
    const bookmark = await nextEvent(sub);
    expect(bookmark.type).toBe('BOOKMARK');
    expect(bookmark.object).toBeNull();

    await api.store.create('Pod', pod('second', 'w1'));
    const second = await nextEvent(sub);
    expect([second.type, second.object?.metadata.name]).toEqual(['ADDED', 'second']);
    await api.store.mutate('Pod', 'w1', 'first', (p) => ({
      ...p,
      metadata: { ...p.metadata, annotations: { touched: '1' } },
    }));
    const modified = await nextEvent(sub);
    expect([modified.type, modified.object?.metadata.name]).toEqual(['MODIFIED', 'first']);
    await api.store.delete('Pod', 'w1', 'second', { gracePeriodSeconds: 0 });
    const deleted = await nextEvent(sub);
    expect([deleted.type, deleted.object?.metadata.name]).toEqual(['DELETED', 'second']);
    await sub.close();

    // Changes made while nobody watched arrive when resuming from the last version seen.
    await api.store.create('Pod', pod('third', 'w1'));
    const resumed = await api.subscribe<WatchPayload>(WATCH, {
      ns: 'w1',
      since: deleted.resourceVersion,
      selector: 'watched=yes',
    });
    const third = await nextEvent(resumed);
    expect([third.type, third.object?.metadata.name]).toEqual(['ADDED', 'third']);
    await resumed.close();
  });

  it('sends RESYNC and a fresh snapshot when the version has expired', async () => {
    await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'w2' }, spec: {} });
    await api.store.create('Pod', pod('keeper', 'w2'));
    const old = await api.store.currentResourceVersion();
    for (let i = 0; i < 120; i++) {
      await api.store.mutate('Pod', 'w2', 'keeper', (p) => ({
        ...p,
        metadata: { ...p.metadata, annotations: { n: String(i) } },
      }));
    }
    const sub = await api.subscribe<WatchPayload>(WATCH, { ns: 'w2', since: old });
    const resync = await nextEvent(sub);
    expect(resync.type).toBe('RESYNC');
    const snapshot = await nextEvent(sub);
    expect([snapshot.type, snapshot.object?.metadata.name]).toEqual(['ADDED', 'keeper']);
    expect((await nextEvent(sub)).type).toBe('BOOKMARK');
    await sub.close();
  });

  it('follows one pod with podStatus and recorded events with events', async () => {
    await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'w3' }, spec: {} });
    await api.store.create('Pod', pod('tracked', 'w3'));
    const status = await api.subscribe<{ podStatus: { displayStatus: string; metadata: { name: string } } }>(
      `subscription { podStatus(namespace: "w3", name: "tracked") { metadata { name } displayStatus } }`,
    );
    const events = await api.subscribe<{ events: { reason: string } }>(
      `subscription { events(namespace: "w3", involvedObjectKind: "Pod", involvedObjectName: "tracked") { reason } }`,
    );
    expect((await status.next()).data?.podStatus).toEqual({ metadata: { name: 'tracked' }, displayStatus: 'Pending' });

    await api.store.mutate(
      'Pod',
      'w3',
      'tracked',
      (p) => ({
        ...p,
        status: {
          phase: 'Pending',
          containerStatuses: [
            { name: 'c', image: 'x:1', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } },
          ],
        },
      }),
      { status: true },
    );
    expect((await status.next()).data?.podStatus.displayStatus).toBe('ErrImagePull');

    await api.store.create('Event', {
      kind: 'Event',
      metadata: { name: 'tracked.1', namespace: 'w3' },
      involvedObject: { kind: 'Pod', name: 'tracked', namespace: 'w3' },
      reason: 'Failed',
      message: 'image not found',
      type: 'Warning',
    });
    expect((await events.next()).data?.events.reason).toBe('Failed');
    await status.close();
    await events.close();
  });

  it('refuses a subscription without a token', async () => {
    const sub = await api.subscribe(WATCH, { ns: 'w1' }, { token: null });
    const first = await sub.next().catch(() => undefined);
    const code = first?.errors?.[0]?.extensions?.code;
    expect(sub.status === 401 || code === 'UNAUTHENTICATED').toBe(true);
    await sub.close();
  });
});
