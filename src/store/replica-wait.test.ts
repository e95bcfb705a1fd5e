import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import { replicaShortfall, replicaWaitFromEnv, waitForReplicas } from './replica-wait.ts';

describe('Waiting for replicas (REDIS_MIN_REPLICAS)', () => {
  it('is off by default, with a 1000 ms timeout', () => {
    expect(replicaWaitFromEnv({})).toEqual({ minReplicas: 0, timeoutMs: 1000 });
    expect(replicaWaitFromEnv({ REDIS_MIN_REPLICAS: '2', REDIS_REPLICA_TIMEOUT_MS: '250' })).toEqual({
      minReplicas: 2,
      timeoutMs: 250,
    });
  });

  it('refuses values that are not whole numbers, and a timeout of 0 (WAIT would block for ever)', () => {
    for (const [name, value] of [
      ['REDIS_MIN_REPLICAS', '-1'],
      ['REDIS_MIN_REPLICAS', 'one'],
      ['REDIS_MIN_REPLICAS', '1.5'],
      ['REDIS_REPLICA_TIMEOUT_MS', '0'],
      ['REDIS_REPLICA_TIMEOUT_MS', '1s'],
    ] as const) {
      let error: unknown;
      try {
        replicaWaitFromEnv({ [name]: value });
      } catch (err) {
        error = err;
      }
      expect(isCapstanError(error, 'INVALID'), `${name}=${value}`).toBe(true);
      expect((error as Error).message).toContain(name);
    }
  });

  it('acknowledges a write when WAIT counted enough replicas, else fails it UNAVAILABLE', () => {
    const wait = { minReplicas: 1, timeoutMs: 1000 };
    expect(replicaShortfall(1, wait)).toBeUndefined();
    expect(replicaShortfall(2, wait)).toBeUndefined();
    const shortfall = replicaShortfall(0, wait);
    expect(isCapstanError(shortfall, 'UNAVAILABLE')).toBe(true);
    expect(shortfall!.message).toMatch(/0 of the 1 replicas/);
    expect(shortfall!.message).toMatch(/not acknowledged/);
    expect(replicaShortfall(1, { minReplicas: 2, timeoutMs: 5 })!.message).toMatch(/1 of the 2 .* within 5 ms/);
    expect(replicaShortfall(0, { minReplicas: 0, timeoutMs: 1000 })).toBeUndefined();
  });

  it('sends WAIT n timeout only when on, and turns a failed WAIT into UNAVAILABLE', async () => {
    const calls: [number, number][] = [];
    const answering = (confirmed: number) => ({
      wait: async (n: number | string, t: number | string) => {
        calls.push([Number(n), Number(t)]);
        return confirmed;
      },
    });
    await waitForReplicas(answering(0) as never, { minReplicas: 0, timeoutMs: 1000 });
    expect(calls).toEqual([]);
    await waitForReplicas(answering(1) as never, { minReplicas: 1, timeoutMs: 300 });
    expect(calls).toEqual([[1, 300]]);
    await expect(waitForReplicas(answering(0) as never, { minReplicas: 1, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const broken = {
      wait: async () => {
        throw new Error('Connection is closed.');
      },
    };
    await expect(waitForReplicas(broken as never, { minReplicas: 1, timeoutMs: 300 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('Connection is closed'),
    });
  });
});
