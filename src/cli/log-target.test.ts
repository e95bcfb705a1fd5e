import { describe, expect, it } from 'vitest';
import type * as sdk from '../sdk/browser.ts';
import { parseLogTarget, pickPod, workloadSelector } from './log-target.ts';

function pod(
  name: string,
  options: { phase?: string; ready?: boolean; created?: string; deleting?: boolean } = {},
): sdk.PodFieldsFragment {
  return {
    metadata: {
      name,
      creationTimestamp: options.created ?? '2026-11-25T10:00:00Z',
      deletionTimestamp: options.deleting ? '2026-11-25T10:05:00Z' : null,
    },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  } as unknown as sdk.PodFieldsFragment;
}

describe('parseLogTarget', () => {
  it.each([
    ['web-1', { kind: 'Pod', name: 'web-1' }],
    ['po/web-1', { kind: 'Pod', name: 'web-1' }],
    ['pods/web-1', { kind: 'Pod', name: 'web-1' }],
    ['deploy/web', { kind: 'Deployment', name: 'web' }],
    ['deployment.apps/web', { kind: 'Deployment', name: 'web' }],
    ['rc/web', { kind: 'ReplicationController', name: 'web' }],
    ['replicationcontrollers/web', { kind: 'ReplicationController', name: 'web' }],
  ])('reads %s', (arg, expected) => {
    expect(parseLogTarget(arg)).toEqual(expected);
  });

  it('refuses kinds without logs and a missing name with a one-line error', () => {
    expect(() => parseLogTarget('svc/web')).toThrow('cannot print logs of "svc/web"');
    expect(() => parseLogTarget('nodes/n1')).toThrow('use a pod name, pod/NAME, deployment/NAME');
    expect(() => parseLogTarget('deploy/')).toThrow('names no object');
  });
});

describe('workloadSelector', () => {
  it("is an RC's equality selector", () => {
    const rc = {
      kind: 'ReplicationController',
      spec: {
        selector: [
          { key: 'tier', value: 'web' },
          { key: 'app', value: 'shop' },
        ],
      },
    } as unknown as sdk.ReplicationControllerFieldsFragment;
    expect(workloadSelector(rc)).toBe('app=shop,tier=web');
  });

  it("is a Deployment's matchLabels and matchExpressions", () => {
    const deployment = {
      kind: 'Deployment',
      spec: {
        selector: {
          matchLabels: [{ key: 'app', value: 'shop' }],
          matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }],
        },
      },
    } as unknown as sdk.DeploymentFieldsFragment;
    expect(workloadSelector(deployment)).toBe('app=shop,track notin (canary)');
  });
});

describe('pickPod', () => {
  it('is undefined without pods', () => {
    expect(pickPod([])).toBeUndefined();
  });

  it('prefers a live Running and Ready pod, then the oldest', () => {
    const pods = [
      pod('pending', { phase: 'Pending', ready: false, created: '2026-11-25T09:00:00Z' }),
      pod('deleting', { created: '2026-11-25T08:00:00Z', deleting: true }),
      pod('not-ready', { ready: false, created: '2026-11-25T08:30:00Z' }),
      pod('young', { created: '2026-11-25T10:00:00Z' }),
      pod('old', { created: '2026-11-25T09:30:00Z' }),
    ];
    expect(pickPod(pods)?.metadata.name).toBe('old');
    expect(pickPod(pods.filter((p) => p.metadata.name !== 'old' && p.metadata.name !== 'young'))?.metadata.name).toBe(
      'not-ready',
    );
    expect(pickPod([pods[0]!, pods[1]!])?.metadata.name).toBe('pending');
  });

  it('breaks ties by name, so the choice is stable', () => {
    expect(pickPod([pod('web-b'), pod('web-a')])?.metadata.name).toBe('web-a');
  });
});
