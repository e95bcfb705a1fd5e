import { afterEach, describe, expect, it, vi } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { Event, KindMap, ObjectInput, Pod } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { EVENT_AGGREGATION_WINDOW_MS, EventRecorder, recordEvent } from './event-recorder.ts';

/** Just enough of a Store for events: create and mutate, with switches to refuse or hold writes. */
function eventStore(options: { mutate?: 'forbidden' } = {}) {
  const events = new Map<string, Event>();
  const writes: string[] = [];
  let failing: Error | undefined;
  let gate: Promise<void> | undefined;
  let inFlight = 0;
  let maxInFlight = 0;
  const run = async <T>(verb: string, fn: () => T): Promise<T> => {
    writes.push(verb);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await gate;
      if (failing) throw failing;
      return fn();
    } finally {
      inFlight--;
    }
  };
  const store = {
    create: (_kind: 'Event', input: ObjectInput<Event>) =>
      run('create', () => {
        const event = { ...input, metadata: { ...input.metadata, uid: `u${events.size}` } } as Event;
        events.set(`${event.metadata.namespace}/${event.metadata.name}`, event);
        return event;
      }),
    mutate: (_kind: 'Event', namespace: string, name: string, fn: (current: Event) => Event) =>
      run('mutate', () => {
        if (options.mutate === 'forbidden') throw new CapstanError('FORBIDDEN', 'a node may only create events');
        const current = events.get(`${namespace}/${name}`);
        if (!current) throw new CapstanError('NOT_FOUND', `event ${namespace}/${name} not found`);
        const next = fn(current);
        events.set(`${namespace}/${name}`, next);
        return next;
      }),
  };
  return {
    store: store as unknown as Store,
    writes,
    list: () => [...events.values()],
    remove: (event: Event) => events.delete(`${event.metadata.namespace}/${event.metadata.name}`),
    failWith(err: Error | undefined) {
      failing = err;
    },
    /** Holds every write until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

let podCount = 0;
function newPod(name = `web-${++podCount}`, namespace = 'default'): Pod {
  const metadata = { name, namespace, uid: `uid-${name}`, resourceVersion: '7' };
  return { kind: 'Pod', metadata, spec: { containers: [] } } as unknown as KindMap['Pod'];
}

const source = { component: 'scheduler' };

afterEach(() => {
  vi.useRealTimers();
});

describe('EventRecorder, update aggregation', () => {
  it('writes the first occurrence as an Event named after the object, about it, from the source', async () => {
    const s = eventStore();
    const pod = newPod('web-1');
    const recorder = new EventRecorder(s.store, { component: 'capstan-node', host: 'n1' });
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    const [event] = s.list();
    expect(s.list()).toHaveLength(1);
    expect(event).toMatchObject({
      kind: 'Event',
      metadata: { namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'uid-web-1', resourceVersion: '7' },
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      source: { component: 'capstan-node', host: 'n1' },
      count: 1,
    });
    expect(event!.metadata.name).toMatch(/^web-1\.[0-9a-f]{12,}$/);
    expect(event!.firstTimestamp).toBe(event!.lastTimestamp);
  });

  it('bumps count and lastTimestamp of the same Event for repeats of object, reason and message', async () => {
    vi.useFakeTimers({ now: Date.parse('2024-05-01T10:00:00Z') });
    const s = eventStore();
    const pod = newPod();
    await recordEvent(s.store, pod, 'Warning', 'FailedScheduling', '0/1 nodes are available', source);
    vi.advanceTimersByTime(30_000);
    await recordEvent(s.store, pod, 'Warning', 'FailedScheduling', '0/1 nodes are available', source);
    await recordEvent(s.store, pod, 'Normal', 'Scheduled', 'Successfully assigned', source);
    const failed = s.list().find((e) => e.reason === 'FailedScheduling');
    expect(s.list()).toHaveLength(2);
    expect(failed).toMatchObject({
      count: 2,
      firstTimestamp: '2024-05-01T10:00:00.000Z',
      lastTimestamp: '2024-05-01T10:00:30.000Z',
    });
    expect(s.writes).toEqual(['create', 'mutate', 'create']);
  });

  it('starts a new Event once the last occurrence is more than 10 minutes old', async () => {
    vi.useFakeTimers({ now: Date.parse('2024-05-01T10:00:00Z') });
    const s = eventStore();
    const pod = newPod();
    await recordEvent(s.store, pod, 'Warning', 'Unhealthy', 'probe failed', source);
    vi.advanceTimersByTime(EVENT_AGGREGATION_WINDOW_MS);
    await recordEvent(s.store, pod, 'Warning', 'Unhealthy', 'probe failed', source);
    expect(s.list().map((e) => e.count)).toEqual([1, 1]);
  });

  it('keeps the series of different sources, objects and stores apart', async () => {
    const s = eventStore();
    const other = eventStore();
    const pod = newPod();
    const recorder = new EventRecorder(s.store, source);
    recorder.record(pod, 'Normal', 'X', 'y');
    const rc = recorder.withSource({ component: 'replication-controller' });
    rc.record(pod, 'Normal', 'X', 'y');
    recorder.record(newPod(), 'Normal', 'X', 'y');
    await Promise.all([recorder.flush(), rc.flush()]);
    await recordEvent(other.store, pod, 'Normal', 'X', 'y', source);
    expect(s.list()).toHaveLength(3);
    expect(s.list().map((e) => e.source?.component)).toContain('replication-controller');
    expect(other.list()).toMatchObject([{ count: 1 }]);
  });

  it('puts events about cluster-scoped objects in default', async () => {
    const s = eventStore();
    await recordEvent(s.store, { kind: 'Node', name: 'n1' }, 'Warning', 'NodeNotReady', 'gone', source);
    expect(s.list()).toMatchObject([{ metadata: { namespace: 'default' }, involvedObject: { kind: 'Node' } }]);
  });

  it('carries the series on in a new Event, count and firstTimestamp kept, when its Event was deleted', async () => {
    const s = eventStore();
    const pod = newPod();
    await recordEvent(s.store, pod, 'Warning', 'BackOff', 'again', source);
    const first = s.list()[0]!;
    s.remove(first);
    await recordEvent(s.store, pod, 'Warning', 'BackOff', 'again', source);
    expect(s.list()).toMatchObject([{ count: 2, firstTimestamp: first.firstTimestamp }]);
    expect(s.list()[0]!.metadata.name).not.toBe(first.metadata.name);
  });

  it('writes concurrent repeats into one Event, one write at a time', async () => {
    const s = eventStore();
    const pod = newPod();
    const release = s.hold();
    const both = Promise.all([
      recordEvent(s.store, pod, 'Warning', 'BackOff', 'again', source),
      recordEvent(s.store, pod, 'Warning', 'BackOff', 'again', source),
    ]);
    release();
    await both;
    expect(s.list()).toMatchObject([{ count: 2 }]);
  });
});

describe('EventRecorder, create aggregation', () => {
  it('writes repeats within the window as one new Event with the count so far, never updating one', async () => {
    vi.useFakeTimers({ now: Date.parse('2024-05-01T10:00:00Z') });
    const s = eventStore({ mutate: 'forbidden' });
    const pod = newPod('crasher');
    const recorder = new EventRecorder(
      s.store,
      { component: 'capstan-node' },
      {
        aggregation: 'create',
        aggregateWindowMs: 5_000,
      },
    );
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await vi.advanceTimersByTimeAsync(1_000);
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await vi.advanceTimersByTimeAsync(1_000);
    recorder.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    expect(s.writes).toEqual(['create']);
    await vi.advanceTimersByTimeAsync(5_000);
    await recorder.flush();
    expect(s.writes).toEqual(['create', 'create']);
    const [first, second] = s.list();
    expect(first).toMatchObject({ count: 1, lastTimestamp: '2024-05-01T10:00:00.000Z' });
    expect(second).toMatchObject({
      count: 3,
      firstTimestamp: '2024-05-01T10:00:00.000Z',
      lastTimestamp: '2024-05-01T10:00:02.000Z',
    });
    expect(second!.metadata.name.startsWith('crasher.')).toBe(true);
    await recorder.close();
  });

  it('flush writes repeats still waiting for their window', async () => {
    const s = eventStore();
    const pod = newPod();
    const recorder = new EventRecorder(s.store, source, { aggregation: 'create', aggregateWindowMs: 60_000 });
    recorder.record(pod, 'Warning', 'Unhealthy', 'probe failed');
    recorder.record(pod, 'Warning', 'Unhealthy', 'probe failed');
    await recorder.flush();
    expect(s.list().map((e) => e.count)).toEqual([1, 2]);
  });

  it('close waits for writes in flight, drops repeats waiting for their window and records nothing after', async () => {
    const s = eventStore();
    const pod = newPod();
    const recorder = new EventRecorder(s.store, source, { aggregation: 'create', aggregateWindowMs: 60_000 });
    const release = s.hold();
    recorder.record(pod, 'Warning', 'Unhealthy', 'probe failed');
    recorder.record(pod, 'Warning', 'Unhealthy', 'probe failed');
    const closing = recorder.close();
    recorder.record(newPod(), 'Normal', 'Started', 'Started container web');
    release();
    await closing;
    expect(s.list()).toMatchObject([{ count: 1, reason: 'Unhealthy' }]);
    expect(s.writes).toEqual(['create']);
  });

  it('forgets a pod: its next occurrence starts a new series', async () => {
    const s = eventStore();
    const pod = newPod();
    const recorder = new EventRecorder(s.store, source, { aggregation: 'create', aggregateWindowMs: 60_000 });
    recorder.record(pod, 'Normal', 'Killing', 'Stopping container web');
    await recorder.flush();
    recorder.record(pod, 'Normal', 'Killing', 'Stopping container web');
    recorder.forgetPod(pod.metadata.uid!);
    recorder.record(pod, 'Normal', 'Killing', 'Stopping container web');
    await recorder.flush();
    expect(s.list().map((e) => e.count)).toEqual([1, 1]);
  });
});

describe('EventRecorder when the store refuses or lags', () => {
  it('never fails the caller and counts the lost occurrence into the next write', async () => {
    const s = eventStore();
    const pod = newPod();
    s.failWith(new Error('redis down'));
    await expect(recordEvent(s.store, pod, 'Warning', 'Failed', 'Error: boom', source)).resolves.toBeUndefined();
    expect(s.list()).toHaveLength(0);
    s.failWith(undefined);
    await recordEvent(s.store, pod, 'Warning', 'Failed', 'Error: boom', source);
    expect(s.list()).toMatchObject([{ count: 2 }]);
  });

  it('writes at most `concurrency` events at once', async () => {
    const s = eventStore();
    const recorder = new EventRecorder(s.store, source, { concurrency: 3 });
    const release = s.hold();
    for (let i = 0; i < 10; i++) recorder.record(newPod(), 'Normal', 'Scheduled', 'assigned');
    const flushed = recorder.flush();
    release();
    await flushed;
    expect(s.list()).toHaveLength(10);
    expect(s.maxInFlight).toBe(3);
  });

  it('drops events beyond the backlog instead of slowing the caller', async () => {
    const s = eventStore();
    const recorder = new EventRecorder(s.store, source, { concurrency: 1, maxPending: 2 });
    const release = s.hold();
    for (let i = 0; i < 6; i++) recorder.record(newPod(), 'Normal', 'Scheduled', 'assigned');
    expect(recorder.droppedCount).toBe(3);
    const flushed = recorder.flush();
    release();
    await flushed;
    expect(s.list()).toHaveLength(3);
  });
});
