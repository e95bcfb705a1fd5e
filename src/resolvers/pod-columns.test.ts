import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodStatus } from '../api/types.ts';
import {
  humanDuration,
  objectAge,
  objectAgeChangesAt,
  podDisplayStatus,
  podReadyCount,
  podRestarts,
} from './pod-columns.ts';

function newPod(status: PodStatus = {}, options: { containers?: number; deleting?: boolean } = {}): Pod {
  const containers = Array.from({ length: options.containers ?? 1 }, (_, i) => ({ name: `c${i}`, image: 'hello:1' }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...(options.deleting ? { deletionTimestamp: '2024-01-01T00:01:00Z' } : {}),
    },
    spec: { containers },
    status,
  };
}

function container(state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name: 'c0', image: 'hello:1', ready: false, restartCount: 0, state, ...extra };
}

describe('podDisplayStatus', () => {
  it('shows Pending for a pod without status', () => {
    expect(podDisplayStatus(newPod())).toBe('Pending');
  });

  it('shows the phase when containers run', () => {
    const pod = newPod({ phase: 'Running', containerStatuses: [container({ running: {} }, { ready: true })] });
    expect(podDisplayStatus(pod)).toBe('Running');
  });

  it('shows a waiting reason such as ContainerCreating, ErrImagePull or CrashLoopBackOff', () => {
    for (const reason of ['ContainerCreating', 'ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff']) {
      const pod = newPod({ phase: 'Pending', containerStatuses: [container({ waiting: { reason } })] });
      expect(podDisplayStatus(pod)).toBe(reason);
    }
  });

  it('shows the terminated reason, or the exit code when there is none', () => {
    const completed = newPod({
      phase: 'Succeeded',
      containerStatuses: [container({ terminated: { exitCode: 0, reason: 'Completed' } })],
    });
    expect(podDisplayStatus(completed)).toBe('Completed');
    const exited = newPod({ phase: 'Failed', containerStatuses: [container({ terminated: { exitCode: 3 } })] });
    expect(podDisplayStatus(exited)).toBe('ExitCode:3');
  });

  it('reports the first problem from the end of the container list, as kubectl does', () => {
    const pod = newPod(
      {
        phase: 'Running',
        containerStatuses: [
          container({ waiting: { reason: 'CrashLoopBackOff' } }),
          container({ waiting: { reason: 'ErrImagePull' } }),
        ],
      },
      { containers: 2 },
    );
    expect(podDisplayStatus(pod)).toBe('CrashLoopBackOff');
  });

  it('turns Completed back into Running or NotReady while another container still runs', () => {
    const statuses = [
      container({ running: {} }, { ready: true }),
      container({ terminated: { exitCode: 0, reason: 'Completed' } }),
    ];
    const ready = newPod(
      { phase: 'Running', containerStatuses: statuses, conditions: [{ type: 'Ready', status: 'True' }] },
      { containers: 2 },
    );
    expect(podDisplayStatus(ready)).toBe('Running');
    const notReady = newPod({ phase: 'Running', containerStatuses: statuses }, { containers: 2 });
    expect(podDisplayStatus(notReady)).toBe('NotReady');
  });

  it('shows Terminating for a pod being deleted, and Unknown when its node is lost', () => {
    expect(podDisplayStatus(newPod({ phase: 'Running' }, { deleting: true }))).toBe('Terminating');
    expect(podDisplayStatus(newPod({ phase: 'Running', reason: 'NodeLost' }, { deleting: true }))).toBe('Unknown');
  });

  it('prefers the pod reason over the phase', () => {
    expect(podDisplayStatus(newPod({ phase: 'Failed', reason: 'Evicted' }))).toBe('Evicted');
  });
});

describe('podReadyCount and podRestarts', () => {
  it('counts ready running containers over declared containers and sums restarts', () => {
    const pod = newPod(
      {
        containerStatuses: [
          container({ running: {} }, { ready: true, restartCount: 2 }),
          container({ running: {} }, { ready: false, restartCount: 1 }),
          container({ waiting: { reason: 'CrashLoopBackOff' } }, { ready: true, restartCount: 4 }),
        ],
      },
      { containers: 3 },
    );
    expect(podReadyCount(pod)).toBe('1/3');
    expect(podRestarts(pod)).toBe(7);
  });
});

describe('humanDuration', () => {
  it('prints ages like kubectl', () => {
    const s = 1000;
    expect(humanDuration(-5 * s)).toBe('<invalid>');
    expect(humanDuration(45 * s)).toBe('45s');
    expect(humanDuration(119 * s)).toBe('119s');
    expect(humanDuration(192 * s)).toBe('3m12s');
    expect(humanDuration(300 * s)).toBe('5m');
    expect(humanDuration(100 * 60 * s)).toBe('100m');
    expect(humanDuration(5 * 3600 * s + 30 * 60 * s)).toBe('5h30m');
    expect(humanDuration(20 * 3600 * s)).toBe('20h');
    expect(humanDuration(3 * 86400 * s + 4 * 3600 * s)).toBe('3d4h');
    expect(humanDuration(30 * 86400 * s)).toBe('30d');
    expect(humanDuration((2 * 365 + 30) * 86400 * s)).toBe('2y30d');
    expect(humanDuration(9 * 365 * 86400 * s)).toBe('9y');
  });

  it('computes an object age from its creation timestamp', () => {
    expect(objectAge('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:00:45Z'))).toBe('45s');
    expect(objectAge('not a date')).toBe('<unknown>');
  });
});

describe('objectAgeChangesAt', () => {
  const DAY = 86_400_000;
  // Ages from a little in the future (clock skew) to beyond 8 years, with every unit's range well represented.
  const offset = fc.oneof(
    fc.integer({ min: -5_000, max: 700_000 }),
    fc.integer({ min: 0, max: 9 * 3_600_000 }),
    fc.integer({ min: 0, max: 9 * DAY }),
    fc.integer({ min: 0, max: 10 * 365 * DAY }),
  );

  it('is when the AGE text next changes: the same text until then, another one from then on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        offset,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (created, ms, frac) => {
          const timestamp = new Date(created).toISOString();
          const now = created + ms;
          const at = objectAgeChangesAt(timestamp, now);
          const text = objectAge(timestamp, now);
          expect(at).toBeGreaterThan(now);
          expect(objectAge(timestamp, now + Math.floor((at - 1 - now) * frac))).toBe(text);
          expect(objectAge(timestamp, at - 1)).toBe(text);
          // Below a second in the future the text is '0s' on both sides of the boundary.
          if (ms >= 0) expect(objectAge(timestamp, at)).not.toBe(text);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is a second away for a young object and a day away for an old one; never for a timestamp that does not parse', () => {
    const created = Date.parse('2026-12-07T10:00:00.250Z');
    expect(objectAgeChangesAt('2026-12-07T10:00:00.250Z', created + 42_100)).toBe(created + 43_000);
    expect(objectAgeChangesAt('2026-12-07T10:00:00.250Z', created + 30 * DAY)).toBe(created + 31 * DAY);
    expect(objectAgeChangesAt('yesterday', created)).toBe(Infinity);
  });
});
