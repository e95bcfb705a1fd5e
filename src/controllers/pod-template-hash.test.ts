import { describe, expect, it } from 'vitest';
import type { PodTemplateSpec } from '../api/types.ts';
import { podTemplateHash, templatesEqualIgnoringHash } from './pod-template-hash.ts';

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
