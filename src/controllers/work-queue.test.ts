import { describe, expect, it } from 'vitest';
import { runWorkers, WorkQueue, type QueueClock } from './work-queue.ts';

class FakeClock implements QueueClock {
  private time = 0;
  private nextId = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
  /** Jump to the next timer and fire it; returns how far time moved. */
  fireNext(): number {
    const next = [...this.timers.values()].sort((a, b) => a.at - b.at)[0];
    if (!next) return 0;
    const moved = next.at - this.time;
    this.advance(moved);
    return moved;
  }
  get pending(): number {
    return this.timers.size;
  }
}

const newQueue = (clock = new FakeClock()) => ({ clock, queue: new WorkQueue({ clock }) });

async function drainNow(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = (await queue.get()) as string;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('hands out each key once however often it was added, in first-added order', async () => {
    const { queue } = newQueue();
    for (const key of ['Pod/ns/a', 'Pod/ns/b', 'Pod/ns/a', 'Pod/ns/c', 'Pod/ns/b']) queue.add(key);
    expect(await drainNow(queue)).toEqual(['Pod/ns/a', 'Pod/ns/b', 'Pod/ns/c']);
  });

  it('never hands out a key being processed; a re-add during processing is processed again after done', async () => {
    const { queue } = newQueue();
    queue.add('k');
    const first = await queue.get();
    queue.add('k');
    expect(queue.length).toBe(0);
    let second: string | undefined;
    void queue.get().then((key) => (second = key));
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first as string);
    await Promise.resolve();
    expect(second).toBe('k');
  });

  it('get waits for the next add', async () => {
    const { queue } = newQueue();
    const pending = queue.get();
    queue.add('later');
    expect(await pending).toBe('later');
  });

  it('addAfter queues the key only once the delay has passed, and the earlier of two delays wins', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('k', 1000);
    queue.addAfter('k', 100);
    queue.addAfter('k', 5000);
    clock.advance(99);
    expect(queue.length).toBe(0);
    clock.advance(1);
    expect(await drainNow(queue)).toEqual(['k']);
    clock.advance(10_000);
    expect(queue.length).toBe(0);
  });

  it('addRateLimited backs off exponentially from 5 ms up to the maximum, and forget resets it', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, maxDelayMs: 40 });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      queue.addRateLimited('k');
      delays.push(clock.fireNext());
      expect(await drainNow(queue)).toEqual(['k']);
    }
    expect(delays).toEqual([5, 10, 20, 40, 40, 40]);
    expect(queue.numRequeues('k')).toBe(6);
    queue.forget('k');
    queue.addRateLimited('k');
    expect(clock.fireNext()).toBe(5);
  });

  it('uses the Kubernetes defaults: 5 ms doubling, capped at 1000 s', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock });
    const delays: number[] = [];
    for (let i = 0; i < 30; i++) {
      queue.addRateLimited('k');
      delays.push(clock.fireNext());
    }
    expect(delays.slice(0, 3)).toEqual([5, 10, 20]);
    expect(delays.at(-1)).toBe(1_000_000);
  });

  it('shutdown releases waiting workers, cancels delayed adds and ignores new adds', async () => {
    const { clock, queue } = newQueue();
    const waiting = queue.get();
    queue.addAfter('k', 50);
    queue.shutdown();
    expect(await waiting).toBeUndefined();
    expect(clock.pending).toBe(0);
    queue.add('x');
    expect(await queue.get()).toBeUndefined();
  });
});

describe('runWorkers', () => {
  it('reconciles each key, retries a throwing reconcile with back-off, and stops on shutdown', async () => {
    const { clock, queue } = newQueue();
    const calls: string[] = [];
    const errors: string[] = [];
    let failuresLeft = 2;
    const running = runWorkers(
      queue,
      async (key) => {
        calls.push(key);
        if (key === 'flaky' && failuresLeft-- > 0) throw new Error('store unavailable');
      },
      2,
      { onError: (key) => errors.push(key) },
    );
    queue.add('ok');
    queue.add('flaky');
    await vitestTick();
    expect(calls).toEqual(['ok', 'flaky']);
    clock.advance(5);
    await vitestTick();
    clock.advance(10);
    await vitestTick();
    expect(calls).toEqual(['ok', 'flaky', 'flaky', 'flaky']);
    expect(errors).toEqual(['flaky', 'flaky']);
    expect(queue.numRequeues('flaky')).toBe(0);
    queue.shutdown();
    await running;
  });

  it('never runs the same key concurrently, even with many workers', async () => {
    const { queue } = newQueue();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const running = runWorkers(
      queue,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs < 3) queue.add('same');
        await vitestTick();
        active--;
      },
      4,
    );
    queue.add('same');
    for (let i = 0; i < 20 && runs < 3; i++) await vitestTick();
    queue.shutdown();
    await running;
    expect(runs).toBe(3);
    expect(maxActive).toBe(1);
  });

  it('requeues after the delay a reconcile asks for', async () => {
    const { clock, queue } = newQueue();
    const calls: number[] = [];
    const running = runWorkers(
      queue,
      async () => {
        calls.push(clock.now());
        return calls.length === 1 ? { requeueAfterMs: 30_000 } : undefined;
      },
      1,
    );
    queue.add('Deployment/ns/web');
    await vitestTick();
    clock.advance(29_999);
    await vitestTick();
    expect(calls).toEqual([0]);
    clock.advance(1);
    await vitestTick();
    expect(calls).toEqual([0, 30_000]);
    queue.shutdown();
    await running;
  });
});

async function vitestTick(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
