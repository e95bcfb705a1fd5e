import { describe, expect, it } from 'vitest';
import { info, testPod } from './node-test-fixtures.ts';
import { planPod } from './pod-plan.ts';
import type { PlanInput } from './pod-plan.ts';
import type { ContainerInfo } from './runtime.ts';

function input(
  pod = testPod(),
  containers: ContainerInfo[] = [],
  sandbox?: ContainerInfo,
  extra: Partial<PlanInput> = {},
): PlanInput {
  const current = new Map<string, ContainerInfo>();
  for (const c of containers)
    if (!current.has(c.name) || current.get(c.name)!.restartCount < c.restartCount) current.set(c.name, c);
  return {
    pod,
    observed: { current, all: containers, ...(sandbox ? { sandbox } : {}) },
    desiredHash: new Map(),
    unhealthy: new Map(),
    backoffMs: new Map(),
    ...extra,
  };
}

const sandbox = info('POD');

describe('planPod', () => {
  it('creates the sandbox and every container of a new pod', () => {
    const plan = planPod(
      input(
        testPod({
          containers: [
            { name: 'a', image: 'i' },
            { name: 'b', image: 'i' },
          ],
        }),
      ),
    );
    expect(plan.createSandbox).toEqual({ attempt: 0 });
    expect(plan.actions).toEqual([
      { type: 'start', name: 'a', restartCount: 0 },
      { type: 'start', name: 'b', restartCount: 0 },
    ]);
  });

  it('leaves a healthy pod alone', () => {
    const plan = planPod(
      input(testPod(), [info('a', { specHash: 'h' })], sandbox, { desiredHash: new Map([['a', 'h']]) }),
    );
    expect(plan).toEqual({ killFirst: [], actions: [], remove: [], stopSandbox: false });
  });

  it('restarts an exited container under Always, counting the restart, unless it is backing off', () => {
    const exited = info('a', { state: 'exited', exitCode: 1 });
    expect(planPod(input(testPod(), [exited], sandbox)).actions).toEqual([
      { type: 'start', name: 'a', restartCount: 1 },
    ]);
    const waiting = planPod(input(testPod(), [exited], sandbox, { backoffMs: new Map([['a', 5_000]]) }));
    expect(waiting.actions).toEqual([{ type: 'backoff', name: 'a', remainingMs: 5_000 }]);
  });

  it('follows restartPolicy OnFailure and Never', () => {
    const ok = info('a', { state: 'exited', exitCode: 0 });
    const bad = info('a', { state: 'exited', exitCode: 2 });
    expect(planPod(input(testPod({ restartPolicy: 'OnFailure' }), [ok], sandbox)).actions).toEqual([]);
    expect(planPod(input(testPod({ restartPolicy: 'OnFailure' }), [bad], sandbox)).actions).toHaveLength(1);
    const never = planPod(input(testPod({ restartPolicy: 'Never' }), [bad], sandbox));
    expect(never.actions).toEqual([]);
    expect(never.stopSandbox).toBe(true);
  });

  it('kills a container whose liveness probe failed', () => {
    const c = info('a');
    const plan = planPod(input(testPod(), [c], sandbox, { unhealthy: new Map([[c.id, 'liveness']]) }));
    expect(plan.actions).toEqual([{ type: 'kill', name: 'a', id: c.id, reason: 'liveness' }]);
  });

  it('kills a container whose spec changed', () => {
    const c = info('a', { specHash: 'old' });
    const plan = planPod(input(testPod(), [c], sandbox, { desiredHash: new Map([['a', 'new']]) }));
    expect(plan.actions).toEqual([{ type: 'kill', name: 'a', id: c.id, reason: 'specChanged' }]);
  });

  it('starts everything over in a new sandbox when the sandbox died, except what finished for good', () => {
    const pod = testPod({
      restartPolicy: 'OnFailure',
      containers: [
        { name: 'a', image: 'i' },
        { name: 'b', image: 'i' },
      ],
    });
    const a = info('a', { restartCount: 2 });
    const b = info('b', { state: 'exited', exitCode: 0 });
    const plan = planPod(input(pod, [a, b], info('POD', { state: 'exited', restartCount: 1 })));
    expect(plan.createSandbox).toEqual({ attempt: 2 });
    expect(plan.killFirst).toEqual([a.id]);
    expect(plan.actions).toEqual([{ type: 'start', name: 'a', restartCount: 3 }]);
  });

  it('keeps the current and the previous attempt and removes older ones and strangers', () => {
    const attempts = [0, 1, 2].map((n) => info('a', { restartCount: n, state: n === 2 ? 'running' : 'exited' }));
    const stranger = info('gone');
    const plan = planPod(input(testPod(), [...attempts, stranger], sandbox));
    expect(plan.remove.sort()).toEqual([attempts[0]!.id, stranger.id].sort());
  });

  it('never restarts containers of a pod that already ended', () => {
    const pod = testPod({ restartPolicy: 'Never' }, { phase: 'Failed' });
    const plan = planPod(input(pod, [], info('POD', { state: 'exited' })));
    expect(plan.createSandbox).toBeUndefined();
    expect(plan.actions).toEqual([]);
  });
});
