import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types.ts';
import { applyDiff } from './apply-diff.ts';

function deployment(replicas: number, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '7',
      labels: { app: 'web' },
      annotations,
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } } },
    status: { replicas: 1 },
  } as unknown as KubeObject;
}

describe('applyDiff', () => {
  it('shows a changed field as a removed and an added line', () => {
    const diff = applyDiff('Deployment/default/web', deployment(1), deployment(3));
    expect(diff).toContain('--- live/Deployment/default/web');
    expect(diff).toContain('+++ applied/Deployment/default/web');
    expect(diff).toMatch(/^-\s+replicas: 1$/m);
    expect(diff).toMatch(/^\+\s+replicas: 3$/m);
  });

  it('is empty when only status, versions or the last-applied annotation differ', () => {
    const after = deployment(1, { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' });
    expect(applyDiff('Deployment/default/web', deployment(1), after)).toBe('');
  });

  it('shows a created object as all added lines', () => {
    const diff = applyDiff('Deployment/default/web', undefined, deployment(2));
    expect(diff).toContain('--- /dev/null');
    expect(diff).toMatch(/^\+\s+replicas: 2$/m);
    expect(diff).not.toMatch(/^-\s/m);
  });
});
