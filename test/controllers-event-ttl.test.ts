import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event, ObjectInput } from '../src/api/types.ts';
import { startControllerManager } from '../src/controllers/controller-manager.ts';
import { EventTtlController } from '../src/controllers/event-ttl-controller.ts';
import { SharedInformers } from '../src/controllers/controller-context.ts';
import { EventRecorder } from '../src/events/event-recorder.ts';
import { logger } from '../src/util/logger.ts';
import { newTestStore, waitFor } from './support/store.ts';

// Events expire an hour after they were last recorded, as with kube-apiserver's --event-ttl; before, every Event
// stayed in Redis and in each read cache for as long as the cluster ran.

let store: Awaited<ReturnType<typeof newTestStore>>;
const namespace = `ttl-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  store = await newTestStore();
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: namespace }, spec: {} });
});

afterAll(async () => {
  await store?.dispose();
});

function event(name: string, extra: Partial<Event> = {}): ObjectInput<Event> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace },
    reason: 'Started',
    message: 'Started container web',
    type: 'Normal',
    source: { component: 'capstan-node', host: 'n1' },
    count: 1,
    ...extra,
  };
}

function sweeper(ttlMs: number): EventTtlController {
  return new EventTtlController(
    {
      store,
      informers: new SharedInformers(store),
      logger,
      events: new EventRecorder(store, { component: 'event-ttl-controller' }),
    },
    { ttlMs, pageSize: 2 },
  );
}

async function names(): Promise<string[]> {
  return (await store.list('Event', { namespace })).items.map((e) => e.metadata.name).sort();
}

async function clockPast(ms: number): Promise<void> {
  await waitFor(() => Date.now() > ms, { timeoutMs: 30_000, message: `the clock past ${new Date(ms).toISOString()}` });
}

describe('event TTL', () => {
  it('keeps Events younger than the TTL and deletes older ones, page by page', async () => {
    const created = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => store.create('Event', event(`old-${n}`))));
    expect(await sweeper(3_600_000).sweep()).toBe(0);
    expect(await names()).toEqual(['old-a', 'old-b', 'old-c', 'old-d', 'old-e']);
    await clockPast(Math.max(...created.map((e) => Date.parse(e.metadata.creationTimestamp))) + 50);
    expect(await sweeper(50).sweep()).toBe(5);
    expect(await names()).toEqual([]);
  });

  it('counts from the last time an Event was recorded: a bumped series lives on', async () => {
    const ttl = 3_000;
    const created = await store.create('Event', event('series'));
    const createdAt = Date.parse(created.metadata.creationTimestamp);
    await clockPast(createdAt + ttl / 2);
    const bumped = await store.mutate('Event', namespace, 'series', (current) => ({
      ...current,
      count: (current.count ?? 1) + 1,
      lastTimestamp: new Date().toISOString(),
    }));
    const bumpedAt = Date.parse(bumped.lastTimestamp!);
    await clockPast(createdAt + ttl + 100);
    // Past the TTL since its creation, within it since the bump.
    expect(await sweeper(ttl).sweep()).toBe(0);
    expect(await names()).toEqual(['series']);
    await clockPast(bumpedAt + ttl + 50);
    expect(await sweeper(ttl).sweep()).toBe(1);
    expect(await names()).toEqual([]);
  });

  it('does not believe a time to come: an Event claiming to be recorded in 2100 expires from its creation', async () => {
    const created = await store.create(
      'Event',
      event('forged', { firstTimestamp: '2100-01-01T00:00:00Z', lastTimestamp: '2100-01-01T00:00:00Z' }),
    );
    await clockPast(Date.parse(created.metadata.creationTimestamp) + 100);
    expect(await sweeper(100).sweep()).toBe(1);
    expect(await names()).toEqual([]);
  });

  it('runs in the controller manager: Events go by themselves once their TTL passed', async () => {
    const manager = startControllerManager({
      store,
      leaderElection: false,
      controllers: ['event-ttl-controller'],
      eventTtl: { ttlMs: 1_000, sweepMs: 100 },
    });
    try {
      await store.create('Event', event('by-itself'));
      const elsewhere = event('elsewhere');
      await store.create('Event', {
        ...elsewhere,
        metadata: { name: 'elsewhere', namespace: 'default' },
        involvedObject: { ...elsewhere.involvedObject, namespace: 'default' },
      });
      await waitFor(async () => (await names()).length === 0, { message: 'the Event to expire' });
      await waitFor(async () => !(await store.tryGet('Event', 'default', 'elsewhere')), {
        message: 'the Event of another namespace to expire',
      });
    } finally {
      await manager.stop();
    }
  });
});
