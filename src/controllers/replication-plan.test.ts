import { describe, expect, it } from 'vitest';
import type { Pod } from '../api/types.ts';
import {
  compareForDeletion,
  computeReplicationStatus,
  nextAvailabilityCheckMs,
  planReplication,
  runSlowStart,
  slowStartBatches,
  type ReplicationAction,
} from './replication-plan.ts';
import { at, newPod, newRC, ownedBy } from './test-fixtures.ts';

const ofType = <T extends ReplicationAction['type']>(actions: ReplicationAction[], type: T) =>
  actions.filter((a): a is Extract<ReplicationAction, { type: T }> => a.type === type);

describe('planReplication', () => {
  it('creates the missing pods from the template, owned by the RC', () => {
    const rc = newRC({ replicas: 3 });
    const actions = planReplication(rc, [newPod({ owner: ownedBy(rc), nodeName: 'n1', readySince: 0 })]);
    const [create] = ofType(actions, 'createPods');
    expect(create?.count).toBe(2);
    expect(create?.pod.metadata.generateName).toBe('web-');
    expect(create?.pod.metadata.labels).toEqual({ app: 'web' });
    expect(create?.pod.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'ReplicationController', uid: rc.metadata.uid, controller: true }),
    ]);
  });

  it('plans nothing when the count is right', () => {
    const rc = newRC({ replicas: 2 });
    const pods = [1, 2].map(() => newPod({ owner: ownedBy(rc), nodeName: 'n1' }));
    expect(planReplication(rc, pods)).toEqual([]);
  });

  it('caps creates at the burst limit of 500 per sync', () => {
    const rc = newRC({ replicas: 2000 });
    expect(ofType(planReplication(rc, []), 'createPods')[0]?.count).toBe(500);
  });

  it('adopts a matching orphan and counts it, instead of creating a duplicate', () => {
    const rc = newRC({ replicas: 1 });
    const orphan = newPod({ nodeName: 'n1' });
    const actions = planReplication(rc, [orphan]);
    expect(actions).toEqual([
      {
        type: 'adoptPod',
        pod: expect.objectContaining({ uid: orphan.metadata.uid }),
        ownerReference: expect.anything(),
      },
    ]);
  });

  it('leaves pods controlled by another controller and orphans being deleted alone', () => {
    const rc = newRC({ replicas: 1 });
    const other = newRC({ name: 'other' });
    const actions = planReplication(rc, [newPod({ owner: ownedBy(other) }), newPod({ deleting: true })]);
    expect(ofType(actions, 'adoptPod')).toEqual([]);
    expect(ofType(actions, 'createPods')[0]?.count).toBe(1);
  });

  it('releases an owned pod whose labels stopped matching and replaces it', () => {
    const rc = newRC({ replicas: 1 });
    const relabelled = newPod({ owner: ownedBy(rc), labels: { app: 'debug' } });
    const actions = planReplication(rc, [relabelled]);
    expect(ofType(actions, 'releasePod')).toEqual([
      { type: 'releasePod', pod: expect.objectContaining({ uid: relabelled.metadata.uid }), ownerUid: rc.metadata.uid },
    ]);
    expect(ofType(actions, 'createPods')[0]?.count).toBe(1);
  });

  it('replaces pods being deleted and failed pods, and deletes the failed ones', () => {
    const rc = newRC({ replicas: 2 });
    const failed = newPod({ owner: ownedBy(rc), nodeName: 'n1', phase: 'Failed' });
    const terminating = newPod({ owner: ownedBy(rc), nodeName: 'n1', deleting: true });
    const actions = planReplication(rc, [failed, terminating]);
    expect(ofType(actions, 'createPods')[0]?.count).toBe(2);
    expect(ofType(actions, 'deletePods')).toEqual([
      { type: 'deletePods', reason: 'terminated', pods: [expect.objectContaining({ uid: failed.metadata.uid })] },
    ]);
  });

  it('when an unresponsive pod comes back and the count is 4 of 3, deletes the newest replacement not yet ready', () => {
    const rc = newRC({ replicas: 3 });
    const owner = ownedBy(rc);
    const pods = [
      newPod({ name: 'a', owner, nodeName: 'n1', readySince: 10, created: 0 }),
      newPod({ name: 'b', owner, nodeName: 'n1', readySince: 10, created: 0 }),
      newPod({ name: 'back', owner, nodeName: 'n2', readySince: 5, created: 0 }),
      newPod({ name: 'replacement', owner, nodeName: 'n1', created: 60 }),
    ];
    const deletes = ofType(planReplication(rc, pods), 'deletePods');
    expect(deletes).toEqual([
      { type: 'deletePods', reason: 'scaleDown', pods: [expect.objectContaining({ name: 'replacement' })] },
    ]);
  });

  it('plans no creates or deletes while expectations are unsatisfied, but still adopts', () => {
    const rc = newRC({ replicas: 3 });
    const actions = planReplication(rc, [newPod()], { expectationsSatisfied: false });
    expect(actions.map((a) => a.type)).toEqual(['adoptPod']);
  });

  it('does nothing but release pods while the RC is being deleted', () => {
    const rc = newRC({ replicas: 3 });
    rc.metadata.deletionTimestamp = at(5).toISOString();
    expect(planReplication(rc, [newPod()])).toEqual([]);
  });

  it('adopts nothing with an empty selector', () => {
    const rc = newRC({ replicas: 1, selector: {} });
    expect(ofType(planReplication(rc, [newPod()]), 'adoptPod')).toEqual([]);
  });
});

describe('compareForDeletion', () => {
  const order = (pods: Pod[]) => [...pods].sort(compareForDeletion).map((p) => p.metadata.name);

  it('ranks unassigned < assigned, Pending < Unknown < Running, not ready < ready', () => {
    expect(
      order([
        newPod({ name: 'ready', nodeName: 'n', phase: 'Running', readySince: 0 }),
        newPod({ name: 'running', nodeName: 'n', phase: 'Running' }),
        newPod({ name: 'unknown', nodeName: 'n', phase: 'Unknown' }),
        newPod({ name: 'pending', nodeName: 'n', phase: 'Pending' }),
        newPod({ name: 'unassigned', phase: 'Pending' }),
      ]),
    ).toEqual(['unassigned', 'pending', 'unknown', 'running', 'ready']);
  });

  it('ranks ready for less time < longer, more restarts first, newer first', () => {
    expect(
      order([
        newPod({ name: 'ready-long', nodeName: 'n', readySince: 0 }),
        newPod({ name: 'ready-short', nodeName: 'n', readySince: 100 }),
      ]),
    ).toEqual(['ready-short', 'ready-long']);
    expect(
      order([
        newPod({ name: 'stable', nodeName: 'n', restarts: 0 }),
        newPod({ name: 'crashy', nodeName: 'n', restarts: 7 }),
      ]),
    ).toEqual(['crashy', 'stable']);
    expect(
      order([newPod({ name: 'old', nodeName: 'n', created: 0 }), newPod({ name: 'new', nodeName: 'n', created: 9 })]),
    ).toEqual(['new', 'old']);
  });
});

describe('computeReplicationStatus', () => {
  it('counts replicas, fully labeled, ready and available pods (minReadySeconds) and the generation', () => {
    const rc = newRC({ replicas: 4, minReadySeconds: 30 });
    rc.spec!.template.metadata!.labels = { app: 'web', tier: 'front' };
    const owner = ownedBy(rc);
    const pods = [
      newPod({ owner, nodeName: 'n', labels: { app: 'web', tier: 'front' }, readySince: 0 }),
      newPod({ owner, nodeName: 'n', readySince: 50 }),
      newPod({ owner, nodeName: 'n' }),
      newPod({ owner, nodeName: 'n', readySince: 0, deleting: true }),
    ];
    expect(computeReplicationStatus(rc, pods, at(60))).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 1,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 3,
    });
    expect(nextAvailabilityCheckMs(rc, pods, at(60))).toBe(20_000);
  });

  it('sets ReplicaFailure while creates fail and clears it once they succeed', () => {
    const rc = newRC();
    const failing = computeReplicationStatus(rc, [], at(1), { reason: 'FailedCreate', message: 'quota exceeded' });
    expect(failing.conditions).toEqual([
      expect.objectContaining({
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'quota exceeded',
      }),
    ]);
    rc.status = failing;
    const later = computeReplicationStatus(rc, [], at(9), { reason: 'FailedCreate', message: 'quota exceeded' });
    expect(later.conditions?.[0]?.lastTransitionTime).toBe(at(1).toISOString());
    expect(computeReplicationStatus(rc, [], at(10)).conditions).toBeUndefined();
  });
});

describe('slow start', () => {
  it('splits a count into batches of 1, 2, 4, 8, ...', () => {
    expect(slowStartBatches(0)).toEqual([]);
    expect(slowStartBatches(1)).toEqual([1]);
    expect(slowStartBatches(10)).toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(500).length).toBe(9);
    expect(slowStartBatches(10, 4)).toEqual([4, 6]);
  });

  it('stops after the first batch with a failure and reports what was skipped', async () => {
    let calls = 0;
    const result = await runSlowStart(20, async (i) => {
      calls++;
      if (i === 4) throw new Error('quota exceeded');
    });
    expect(calls).toBe(7);
    expect(result).toMatchObject({ succeeded: 6, failed: 1, skipped: 13 });
    expect(String(result.error)).toContain('quota exceeded');
  });
});
