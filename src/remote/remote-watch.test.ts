import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import { CapstanClientError } from '../sdk/errors.ts';
import type { WatchEvent } from '../store/store.ts';
import { RemoteWatch, type MessageStream, type WatchMessage } from './remote-watch.ts';

type Step = WatchMessage | Error;

function msg(type: WatchMessage['type'], resourceVersion: string, name?: string): WatchMessage {
  return { type, resourceVersion, object: name ? { name, rv: resourceVersion } : null };
}

/** A subscription that plays `steps`, then waits until closed. */
function stream(steps: Step[]): MessageStream & { closed: boolean } {
  let closeIt: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (closeIt = resolve));
  const s = {
    closed: false,
    async next(): Promise<IteratorResult<WatchMessage>> {
      const step = steps.shift();
      if (step instanceof Error) throw step;
      if (step) return { done: false, value: step };
      await closed;
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<WatchMessage>> {
      s.closed = true;
      closeIt();
      return { done: true, value: undefined };
    },
  };
  return s;
}

function watchOver(streams: MessageStream[], since?: string) {
  const opened: (string | undefined)[] = [];
  const watch = new RemoteWatch<{ name: string; rv: string }>({
    what: 'Pod',
    open: (from) => {
      opened.push(from);
      const next = streams.shift();
      if (!next) throw new Error('no more streams');
      return next;
    },
    convert: (object) => object as { name: string; rv: string },
    backoff: { minMs: 1, maxMs: 5 },
    ...(since ? { since } : {}),
  });
  return { watch, opened };
}

async function take<T>(iterator: AsyncIterator<WatchEvent<T>>, n: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  while (out.length < n) {
    const step = await iterator.next();
    if (step.done) break;
    out.push(step.value);
  }
  return out;
}

const unreachable = () => new CapstanClientError('UNREACHABLE', 'connection closed: going away');

describe('RemoteWatch', () => {
  it('skips the snapshot of a watch without a version and delivers the changes after its bookmark', async () => {
    const { watch } = watchOver([stream([msg('ADDED', '3', 'old'), msg('BOOKMARK', '5'), msg('MODIFIED', '6', 'a')])]);
    const events = await take(watch[Symbol.asyncIterator](), 1);
    expect(events).toEqual([{ type: 'MODIFIED', object: { name: 'a', rv: '6' } }]);
    watch.close();
  });

  it('reconnects after a lost connection and resumes after the last version delivered', async () => {
    const first = stream([msg('ADDED', '11', 'a'), unreachable()]);
    const second = stream([msg('MODIFIED', '11', 'a'), msg('DELETED', '12', 'a')]);
    const { watch, opened } = watchOver([first, second], '10');
    const events = await take(watch[Symbol.asyncIterator](), 2);
    expect(events.map((e) => `${e.type} ${e.object.rv}`)).toEqual(['ADDED 11', 'DELETED 12']);
    expect(opened).toEqual(['10', '11']);
    watch.close();
    expect(second.closed).toBe(true);
  });

  it('fails with EXPIRED on RESYNC, after the events before it, so an informer re-lists', async () => {
    const { watch } = watchOver([stream([msg('ADDED', '8', 'a'), msg('RESYNC', '7')])], '7');
    const iterator = watch[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ type: 'ADDED', object: { name: 'a', rv: '8' } });
    const err = await iterator.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CapstanError);
    expect((err as CapstanError).code).toBe('EXPIRED');
    expect((await iterator.next()).done).toBe(true);
  });

  it('ends with the refusal when the server refuses the watch', async () => {
    const { watch, opened } = watchOver([stream([new CapstanClientError('FORBIDDEN', 'no reading for you')])], '1');
    const err = await watch[Symbol.asyncIterator]()
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((err as CapstanError).code).toBe('FORBIDDEN');
    expect((err as CapstanError).message).toBe('no reading for you');
    expect(opened).toHaveLength(1);
  });

  it('ends a waiting iteration when closed', async () => {
    const live = stream([]);
    const { watch } = watchOver([live], '1');
    const pending = watch[Symbol.asyncIterator]().next();
    watch.close();
    expect((await pending).done).toBe(true);
    expect(live.closed).toBe(true);
  });
});
