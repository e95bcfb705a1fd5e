import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueCertificate, loadOrCreateClusterCa } from '../pki/cluster-ca.ts';
import type { TlsIdentity } from '../pki/node-endpoint-tls.ts';
import { MAX_TIMER_MS, renewalDelayMs, startCertificateRotation } from './certificate-rotation.ts';

// The renewal timer of a node's serving certificate, on vitest's fake timers (which, as Node, fire a setTimeout
// above 2^31-1 ms after 1 ms). A certificate of a year is renewed once, at 70-90% of its life, not in a loop.

const DAY_MS = 86_400_000;
let dir: string;
let identity: TlsIdentity;
let lifetimeMs: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-rotation-unit-'));
  const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
  const leaf = await issueCertificate(ca, { commonName: 'system:node:n1', usage: 'server', lifetimeDays: 365 });
  identity = { certPem: leaf.certPem, keyPem: leaf.keyPem, caPem: ca.certPem };
  lifetimeMs = Date.parse(new X509Certificate(leaf.certPem).validTo) - Date.now();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The renewal loop as join3 shipped it: one setTimeout of the whole delay. */
function startOldRotation(issue: () => Promise<TlsIdentity>, current: TlsIdentity): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => void rotate(), delayMs);
  };
  const rotate = async () => {
    const next = await issue();
    schedule(renewalDelayMs(next.certPem));
  };
  schedule(renewalDelayMs(current.certPem));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

describe('serving certificate renewal timer', () => {
  it('a year-long certificate is a delay setTimeout cannot hold', () => {
    expect(lifetimeMs).toBeGreaterThan(364 * DAY_MS);
    expect(renewalDelayMs(identity.certPem)).toBeGreaterThan(MAX_TIMER_MS);
  });

  it('the old loop renews about 1000 times per simulated second with a long lifetime', async () => {
    vi.useFakeTimers();
    let renewals = 0;
    const stop = startOldRotation(async () => {
      renewals++;
      return identity;
    }, identity);
    await vi.advanceTimersByTimeAsync(1_000);
    stop();
    expect(renewals).toBeGreaterThan(500);
    expect(renewals).toBeLessThanOrEqual(1_001);
  });

  it('renews once, at 70-90% of the lifetime, and not in the first simulated second', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const start = Date.now();
    const at: number[] = [];
    const rotated: TlsIdentity[] = [];
    const stop = startCertificateRotation({
      current: identity,
      issue: async () => {
        at.push(Date.now() - start);
        return identity;
      },
      onRotated: (next) => rotated.push(next),
    });
    try {
      await vi.advanceTimersByTimeAsync(1_000);
      expect(at).toEqual([]);
      // Up to 70% of the life: nothing (the wait is many chunks of at most 2^31-1 ms each).
      await vi.advanceTimersByTimeAsync(Math.floor(lifetimeMs * 0.7) - 1_000);
      expect(at).toEqual([]);
      // By 90%: exactly one renewal, at 80% (Math.random 0.5), handed to onRotated.
      await vi.advanceTimersByTimeAsync(Math.floor(lifetimeMs * 0.2));
      expect(at).toHaveLength(1);
      expect(at[0]! / lifetimeMs).toBeGreaterThanOrEqual(0.7);
      expect(at[0]! / lifetimeMs).toBeLessThanOrEqual(0.9);
      expect(rotated).toEqual([identity]);
    } finally {
      stop();
    }
  });

  it('the first renewal is always between 70% and 90% of the remaining life', async () => {
    for (const random of [0, 0.999]) {
      vi.useFakeTimers();
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const start = Date.now();
      const at: number[] = [];
      const stop = startCertificateRotation({
        current: identity,
        issue: async () => {
          at.push(Date.now() - start);
          return identity;
        },
        onRotated: () => undefined,
      });
      await vi.advanceTimersByTimeAsync(Math.floor(lifetimeMs * 0.9) + 1_000);
      stop();
      expect(at.length).toBeGreaterThanOrEqual(1);
      expect(at[0]! / lifetimeMs).toBeGreaterThanOrEqual(0.69);
      expect(at[0]! / lifetimeMs).toBeLessThanOrEqual(0.9);
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });

  it('stop ends a long wait between its chunks', async () => {
    vi.useFakeTimers();
    let renewals = 0;
    const stop = startCertificateRotation({
      current: identity,
      issue: async () => {
        renewals++;
        return identity;
      },
      onRotated: () => undefined,
    });
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 1_000);
    stop();
    await vi.advanceTimersByTimeAsync(lifetimeMs);
    expect(renewals).toBe(0);
  });
});
