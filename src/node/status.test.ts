import { describe, expect, it } from 'vitest';
import { info, testPod } from './node-test-fixtures.ts';
import { computePodStatus, podPhase } from './status.ts';
import type { ContainerView } from './status.ts';

const NOW = '2024-01-01T00:00:05.000Z';
const sandbox = { podIP: '10.244.1.2', hostPorts: [], createdAt: '2024-01-01T00:00:00.200Z' };

function view(over: Partial<ContainerView> = {}): ContainerView {
  return { name: 'a', image: 'img', ready: true, started: true, current: info('a'), ...over };
}

describe('computePodStatus', () => {
  it('reports a running, ready pod with its timeline', () => {
    const status = computePodStatus({ pod: testPod(), containers: [view()], sandbox, hostIP: '127.0.0.1', now: NOW });
    expect(status.phase).toBe('Running');
    expect(status.podIP).toBe('10.244.1.2');
    expect(status.hostIP).toBe('127.0.0.1');
    expect(status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodScheduled=True',
      'Initialized=True',
      'ContainersReady=True',
      'Ready=True',
    ]);
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: true,
      started: true,
      restartCount: 0,
      containerID: 'docker://a-0',
      state: { running: { startedAt: '2024-01-01T00:00:01.000Z' } },
    });
    expect(status.timeline).toEqual({
      scheduled: '2024-01-01T00:00:00.000Z',
      sandboxCreated: '2024-01-01T00:00:00.200Z',
      started: '2024-01-01T00:00:01.000Z',
      ready: NOW,
    });
  });

  it('keeps transition times and timeline entries of unchanged conditions', () => {
    const first = computePodStatus({ pod: testPod(), containers: [view()], sandbox, hostIP: 'h', now: NOW });
    const second = computePodStatus({
      pod: testPod({}, first),
      containers: [view()],
      sandbox,
      hostIP: 'h',
      now: '2024-01-01T00:01:00.000Z',
    });
    expect(second).toEqual(first);
    const unready = computePodStatus({
      pod: testPod({}, first),
      containers: [view({ ready: false })],
      sandbox,
      hostIP: 'h',
      now: '2024-01-01T00:02:00.000Z',
    });
    const ready = unready.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      lastTransitionTime: '2024-01-01T00:02:00.000Z',
    });
    expect(unready.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(NOW);
    expect(unready.timeline?.ready).toBe(NOW);
  });

  it('shows CrashLoopBackOff with the last termination', () => {
    const crashed = info('a', { state: 'exited', exitCode: 3, restartCount: 2, finishedAt: '2024-01-01T00:00:04Z' });
    const status = computePodStatus({
      pod: testPod(),
      containers: [view({ current: crashed, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } })],
      sandbox,
      hostIP: 'h',
      now: NOW,
    });
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      restartCount: 2,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 3, reason: 'Error' } },
    });
  });

  it('keeps a pod Pending while a container never ran', () => {
    const status = computePodStatus({
      pod: testPod(),
      containers: [view({ current: undefined, waiting: { reason: 'ErrImagePull', message: 'no such image' } })],
      hostIP: 'h',
      now: NOW,
    });
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]?.state.waiting).toEqual({ reason: 'ErrImagePull', message: 'no such image' });
  });
});

describe('podPhase', () => {
  const terminated = (exitCode: number) => ({
    name: 'a',
    image: 'i',
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode } },
  });
  it('ends Succeeded or Failed only when nothing will restart', () => {
    expect(podPhase(testPod({ restartPolicy: 'Never' }), [terminated(0)])).toBe('Succeeded');
    expect(podPhase(testPod({ restartPolicy: 'Never' }), [terminated(1)])).toBe('Failed');
    expect(podPhase(testPod({ restartPolicy: 'OnFailure' }), [terminated(0)])).toBe('Succeeded');
    expect(podPhase(testPod({ restartPolicy: 'OnFailure' }), [terminated(1)])).toBe('Running');
    expect(podPhase(testPod({ restartPolicy: 'Always' }), [terminated(0)])).toBe('Running');
  });

  it('never leaves a terminal phase', () => {
    expect(podPhase(testPod({}, { phase: 'Succeeded' }), [terminated(1)])).toBe('Succeeded');
  });
});
