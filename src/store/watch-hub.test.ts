import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../util/logger.ts';
import { watchStreamReadErrors } from '../util/metrics.ts';
import { buildFilter } from './object-filter.ts';
import { WatchHub } from './watch-hub.ts';

async function readErrors(): Promise<number> {
  return (await watchStreamReadErrors.get()).values[0]?.value ?? 0;
}

/** A stream reader whose XREAD finds nothing new within a few milliseconds, as a quiet stream does. */
function quietReader(): Redis & { xreads: number } {
  const reader = {
    xreads: 0,
    xread: () => {
      reader.xreads++;
      return new Promise((resolve) => setTimeout(() => resolve(null), 5));
    },
    disconnect: () => undefined,
  };
  return reader as unknown as Redis & { xreads: number };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('WatchHub', () => {
  it('counts and logs a failed read of the stream position before its first XREAD, rather than retrying in silence', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const before = await readErrors();
    let outage = true;
    const currentRv = async () => {
      if (outage) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return 7;
    };
    const reader = quietReader();
    const hub = new WatchHub(reader, 'test:changes', async () => [], currentRv);
    const watch = hub.feed('Pod', buildFilter('Pod', {}), 7, {
      onEvent: () => undefined,
      onProgress: () => undefined,
      onError: () => undefined,
    });
    try {
      await until(async () => (await readErrors()) >= before + 2, 'two failed reads of the position counted');
      expect(reader.xreads).toBe(0);
      // One line for the outage (the second failure is held back by the log interval), naming the cause.
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]).toEqual([
        expect.objectContaining({ err: expect.objectContaining({ message: 'connect ECONNREFUSED 127.0.0.1:6379' }) }),
        'watch hub: reading the change stream failed',
      ]);
      outage = false;
      await until(() => reader.xreads > 0, 'the first XREAD once the position could be read');
    } finally {
      watch.close();
      await hub.close();
    }
  });
});
