import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import { retryOnConflict } from './retry-on-conflict.ts';

const conflict = () => new CapstanError('CONFLICT', 'stale');

describe('retryOnConflict', () => {
  it('retries a write that lost a race until it goes through', async () => {
    let tries = 0;
    const result = await retryOnConflict(5, (write) =>
      write(async () => {
        if (++tries < 3) throw conflict();
        return 'written';
      }),
    );
    expect(result).toBe('written');
    expect(tries).toBe(3);
  });

  it('gives up after the attempts with the exhausted error, or the last conflict itself', async () => {
    let tries = 0;
    const failing = (write: Parameters<Parameters<typeof retryOnConflict>[1]>[0]) =>
      write(async () => {
        tries++;
        throw conflict();
      });
    await expect(retryOnConflict(4, failing, () => new Error('too fast'))).rejects.toThrow('too fast');
    expect(tries).toBe(4);
    await expect(retryOnConflict(1, failing)).rejects.toThrow('stale');
    expect(tries).toBe(5);
  });

  it('does not retry a CONFLICT raised outside the write step, nor any other error', async () => {
    let tries = 0;
    await expect(
      retryOnConflict(5, async () => {
        tries++;
        throw conflict();
      }),
    ).rejects.toThrow('stale');
    await expect(
      retryOnConflict(5, (write) =>
        write(async () => {
          tries++;
          throw new CapstanError('NOT_FOUND', 'gone');
        }),
      ),
    ).rejects.toThrow('gone');
    expect(tries).toBe(2);
  });
});
