import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from '../api/types.ts';
import {
  availableInMs,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podTemplateHash,
  templatesEqualIgnoringHash,
} from './pod-status.ts';
import { at, newPod } from './test-fixtures.ts';

describe('pod readiness', () => {
  it('is ready only with a Ready=True condition', () => {
    expect(isPodReady(newPod({ readySince: 0 }))).toBe(true);
    expect(isPodReady(newPod())).toBe(false);
    const bare = newPod();
    delete bare.status;
    expect(isPodReady(bare)).toBe(false);
  });

  it('is available once ready for minReadySeconds', () => {
    const pod = newPod({ readySince: 10 });
    expect(isPodAvailable(pod, 0, at(10))).toBe(true);
    expect(isPodAvailable(pod, 30, at(39))).toBe(false);
    expect(availableInMs(pod, 30, at(39))).toBe(1000);
    expect(isPodAvailable(pod, 30, at(40))).toBe(true);
    expect(availableInMs(newPod(), 30, at(40))).toBeUndefined();
  });

  it('is active unless terminated or being deleted', () => {
    expect(isPodActive(newPod({ phase: 'Running' }))).toBe(true);
    expect(isPodActive(newPod({ phase: 'Pending' }))).toBe(true);
    expect(isPodActive(newPod({ phase: 'Failed' }))).toBe(false);
    expect(isPodActive(newPod({ phase: 'Succeeded' }))).toBe(false);
    expect(isPodActive(newPod({ phase: 'Running', deleting: true }))).toBe(false);
  });
});

describe('podTemplateHash', () => {
  const template = (image: string, labels: Record<string, string> = { app: 'web' }): PodTemplateSpec => ({
    metadata: { labels },
    spec: { containers: [{ name: 'app', image }] },
  });

  it('is stable under key order and ignores the pod-template-hash label', () => {
    const a = template('hello:1', { app: 'web', tier: 'front' });
    const b: PodTemplateSpec = {
      spec: { containers: [{ image: 'hello:1', name: 'app' }] },
      metadata: { labels: { tier: 'front', app: 'web' } },
    };
    const hashed = template('hello:1', { app: 'web', tier: 'front', 'pod-template-hash': 'xyz' });
    expect(podTemplateHash(a)).toBe(podTemplateHash(b));
    expect(podTemplateHash(a)).toBe(podTemplateHash(hashed));
    expect(templatesEqualIgnoringHash(a, hashed)).toBe(true);
  });

  it('changes with the template and with the collision count, using only the safe alphabet', () => {
    const h1 = podTemplateHash(template('hello:1'));
    expect(h1).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(podTemplateHash(template('hello:2'))).not.toBe(h1);
    expect(podTemplateHash(template('hello:1'), 1)).not.toBe(h1);
    expect(templatesEqualIgnoringHash(template('hello:1'), template('hello:2'))).toBe(false);
  });
});
