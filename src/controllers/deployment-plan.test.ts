import { describe, expect, it } from 'vitest';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Deployment, DeploymentSpec, ReplicationController } from '../api/types.ts';
import { planDeployment, type DeploymentAction } from './deployment-plan.ts';
import { planRollback, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './deployment-revisions.ts';
import { resolveFenceposts } from './deployment-status.ts';
import { at, iso, newPod } from './test-fixtures.ts';

function newDeployment(spec: Partial<DeploymentSpec> & { image?: string } = {}): Deployment {
  const { image = 'hello:1', ...rest } = spec;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'deploy-uid',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: iso(0),
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
      ...rest,
    },
  };
}

/** An in-memory cluster: applies deployment actions, plays the RC controller, and lets pods become ready. */
class Sim {
  rcs: ReplicationController[] = [];
  pods = new Map<string, { ready: boolean }[]>();
  private uid = 0;
  constructor(public d: Deployment) {}

  get replicas() {
    return this.d.spec?.replicas ?? 1;
  }
  rc(name: string) {
    return this.rcs.find((rc) => rc.metadata.name === name) as ReplicationController;
  }
  available() {
    return [...this.pods.values()].flat().filter((p) => p.ready).length;
  }

  step(now = at(0)): DeploymentAction[] {
    const { actions } = planDeployment(this.d, this.rcs, now);
    for (const a of actions) this.apply(a);
    this.syncRCs();
    return actions;
  }

  apply(a: DeploymentAction): void {
    const annotate = (target: { metadata: { annotations?: Record<string, string> } }, ann: Record<string, string>) =>
      (target.metadata.annotations = { ...target.metadata.annotations, ...ann });
    if (a.type === 'createRC') {
      const rc = structuredClone(a.rc) as ReplicationController;
      rc.metadata = {
        ...rc.metadata,
        uid: `rc-${++this.uid}`,
        resourceVersion: '1',
        generation: 1,
        creationTimestamp: iso(this.uid),
      } as ReplicationController['metadata'];
      rc.status = { replicas: 0, observedGeneration: 1 };
      this.rcs.push(rc);
      this.pods.set(rc.metadata.name, []);
    } else if (a.type === 'scaleRC') this.rc(a.rc.name).spec!.replicas = a.replicas;
    else if (a.type === 'annotateRC') annotate(this.rc(a.rc.name), a.annotations);
    else if (a.type === 'annotateDeployment') annotate(this.d, a.annotations);
    else if (a.type === 'deleteRC') {
      this.rcs = this.rcs.filter((rc) => rc.metadata.name !== a.rc.name);
      this.pods.delete(a.rc.name);
    } else if (a.type === 'updateDeploymentStatus') this.d.status = a.status;
    else if (a.type === 'updateDeploymentSpec') this.d.spec!.template = a.template;
  }

  /** The RC controller: create missing pods (not ready yet), delete extras not-ready first. */
  syncRCs(): void {
    for (const rc of this.rcs) {
      const pods = this.pods.get(rc.metadata.name) ?? [];
      while (pods.length < (rc.spec?.replicas ?? 0)) pods.push({ ready: false });
      pods.sort((a, b) => Number(a.ready) - Number(b.ready));
      pods.splice(0, Math.max(0, pods.length - (rc.spec?.replicas ?? 0)));
      this.pods.set(rc.metadata.name, pods);
      this.refresh(rc);
    }
  }

  /** Every `nth` not-ready pod becomes ready. */
  becomeReady(nth = 1): void {
    let i = 0;
    for (const [name, pods] of this.pods) {
      for (const pod of pods) if (!pod.ready && i++ % nth === 0) pod.ready = true;
      this.refresh(this.rc(name));
    }
  }

  private refresh(rc: ReplicationController): void {
    const pods = this.pods.get(rc.metadata.name) ?? [];
    const ready = pods.filter((p) => p.ready).length;
    rc.status = {
      replicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rc.metadata.generation,
    };
  }

  /** Roll out: new template, then plan/ready steps until done; returns the lowest availability seen. */
  rollOut(image: string, nth = 1): number {
    this.d.spec!.template.spec.containers[0]!.image = image;
    let lowest = this.available();
    for (let i = 0; i < 100; i++) {
      this.step();
      lowest = Math.min(lowest, this.available());
      this.becomeReady(nth);
      lowest = Math.min(lowest, this.available());
      const s = this.d.status;
      if (
        s?.updatedReplicas === this.replicas &&
        s.availableReplicas === this.replicas &&
        s.replicas === this.replicas
      ) {
        return lowest;
      }
    }
    throw new Error('rollout did not finish in 100 steps');
  }
}

/** The CapstanError `fn` throws; fails the test when it throws nothing or something else. */
function thrownBy(fn: () => unknown): CapstanError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error('expected a CapstanError, nothing was thrown');
}

function settled(spec: Partial<DeploymentSpec> = {}): Sim {
  const sim = new Sim(newDeployment(spec));
  sim.step();
  sim.becomeReady();
  sim.step();
  return sim;
}

describe('planDeployment: new RC', () => {
  it('creates one RC per template, labelled and selected by pod-template-hash, owned by the deployment', () => {
    const { actions } = planDeployment(newDeployment(), [], at(0));
    const create = actions.find((a) => a.type === 'createRC');
    const rc = create?.type === 'createRC' ? create.rc : undefined;
    const hash = rc?.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rc?.metadata.name).toBe(`web-${hash}`);
    expect(rc?.spec?.selector).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rc?.spec?.template.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rc?.spec?.replicas).toBe(3);
    expect(rc?.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(rc?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: 'deploy-uid',
      controller: true,
    });
    expect(actions).toContainEqual({ type: 'annotateDeployment', annotations: { [REVISION_ANNOTATION]: '1' } });
  });

  it('settles: a second pass with nothing changed plans nothing', () => {
    const sim = settled();
    expect(sim.step()).toEqual([]);
    expect(sim.d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
    });
    expect(sim.d.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicationControllerAvailable'],
    ]);
  });

  it('adopts a matching orphan RC and releases an owned one whose labels no longer match', () => {
    const sim = settled();
    const [rc] = sim.rcs;
    rc!.metadata.ownerReferences = [];
    expect(planDeployment(sim.d, sim.rcs, at(0)).actions).toContainEqual({
      type: 'adoptRC',
      rc: { name: rc!.metadata.name, uid: rc!.metadata.uid },
    });
    rc!.metadata.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-uid', controller: true },
    ];
    rc!.metadata.labels = { app: 'other' };
    expect(planDeployment(sim.d, sim.rcs, at(0)).actions).toContainEqual({
      type: 'releaseRC',
      rc: { name: rc!.metadata.name, uid: rc!.metadata.uid },
    });
  });
});

describe('resolveFenceposts', () => {
  const fence = (replicas: number, maxSurge?: number | string, maxUnavailable?: number | string) =>
    resolveFenceposts(
      newDeployment({ replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } }),
    );
  it('rounds surge up and unavailable down, defaulting to 25%', () => {
    expect(fence(10)).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(fence(10, '10%', '15%')).toEqual({ maxSurge: 1, maxUnavailable: 1 });
    expect(fence(10, 2, 0)).toEqual({ maxSurge: 2, maxUnavailable: 0 });
  });
  it('makes unavailable 1 when both resolve to zero, and rejects garbage', () => {
    expect(fence(3, '10%', '10%')).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(fence(1, 0, '10%')).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(() => fence(3, 'lots')).toThrow(/maxSurge/);
  });
});

describe('rolling update', () => {
  it('with maxUnavailable 0 never has fewer than replicas available, whatever order pods get ready in', () => {
    for (const nth of [1, 2, 3]) {
      const sim = settled({
        replicas: 5,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } },
      });
      expect(sim.rollOut(`hello:${nth + 1}`, nth)).toBe(5);
      expect(sim.rcs.map((rc) => rc.spec?.replicas)).toEqual([0, 5]);
    }
  });

  it('with maxUnavailable 1 dips to replicas - 1 but not below', () => {
    const sim = settled({
      replicas: 4,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
    });
    expect(sim.rollOut('hello:2')).toBe(3);
  });

  it('first step surges the new RC and scales the old one down within maxUnavailable (25% of 10)', () => {
    const sim = settled({ replicas: 10 });
    sim.d.spec!.template.spec.containers[0]!.image = 'hello:2';
    const actions = sim.step();
    const create = actions.find((a) => a.type === 'createRC');
    expect(create?.type === 'createRC' && create.rc.spec?.replicas).toBe(3);
    expect(actions).toContainEqual({
      type: 'scaleRC',
      rc: expect.objectContaining({ name: sim.rcs[0]!.metadata.name }),
      replicas: 8,
    });
    expect(sim.d.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', reason: 'NewReplicationControllerCreated' }),
    );
  });

  it('scales down an old RC full of unavailable pods first, freeing a stuck rollout', () => {
    const sim = settled({
      replicas: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    });
    sim.rollOut('broken:1', 1);
    // A second rollout goes bad: its pods never get ready. Then a third one is started.
    sim.d.spec!.template.spec.containers[0]!.image = 'broken:2';
    for (let i = 0; i < 3; i++) sim.step();
    const broken = sim.rcs.at(-1)!;
    expect(broken.status?.availableReplicas).toBe(0);
    sim.d.spec!.template.spec.containers[0]!.image = 'hello:3';
    sim.step();
    expect(sim.rc(broken.metadata.name).spec?.replicas).toBe(0);
    expect(sim.rollOut('hello:3')).toBe(3);
  });
});

describe('Recreate', () => {
  it('scales old RCs to zero and creates the new one only after old pods are gone', () => {
    const sim = settled({ strategy: { type: 'Recreate' } });
    const [old] = sim.rcs;
    sim.d.spec!.template.spec.containers[0]!.image = 'hello:2';
    const { actions } = planDeployment(sim.d, sim.rcs, at(0));
    expect(actions.filter((a) => a.type === 'scaleRC' || a.type === 'createRC')).toEqual([
      { type: 'scaleRC', rc: expect.objectContaining({ name: old!.metadata.name }), replicas: 0 },
    ]);
    for (const a of actions) sim.apply(a);
    // The old RC is at 0 but a pod is still terminating: wait.
    const terminating = newPod({
      owner: {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        name: old!.metadata.name,
        uid: old!.metadata.uid,
        controller: true,
      },
      deleting: true,
      nodeName: 'n1',
    });
    expect(
      planDeployment(sim.d, sim.rcs, at(0), { pods: [terminating] }).actions.some((a) => a.type === 'createRC'),
    ).toBe(false);
    sim.syncRCs();
    const next = planDeployment(sim.d, sim.rcs, at(0), { pods: [] }).actions.find((a) => a.type === 'createRC');
    expect(next?.type === 'createRC' && next.rc.spec?.replicas).toBe(3);
  });
});

describe('paused', () => {
  it('makes no rollout progress but still applies a change of replicas to the newest RC', () => {
    const sim = settled({ replicas: 3 });
    sim.d.spec!.paused = true;
    sim.d.spec!.template.spec.containers[0]!.image = 'hello:2';
    sim.d.spec!.replicas = 5;
    const actions = sim.step();
    expect(actions.some((a) => a.type === 'createRC')).toBe(false);
    expect(sim.rcs.map((rc) => rc.spec?.replicas)).toEqual([5]);
    expect(sim.d.status?.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused' }),
    );
    sim.d.spec!.paused = false;
    sim.step();
    expect(sim.rcs).toHaveLength(2);
  });
});

describe('rollback and history', () => {
  it('rolls back to a revision: the old RC becomes the new one with the next revision and remembers the old', () => {
    const sim = settled();
    sim.rollOut('hello:2');
    sim.step();
    expect(sim.d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
    const { action, message } = planRollback(sim.d, sim.rcs);
    expect(message).toBe('rolled back to revision 1');
    expect(action?.template.spec.containers[0]?.image).toBe('hello:1');
    expect(action?.template.metadata?.labels).toEqual({ app: 'web' });
    sim.apply(action!);
    sim.step();
    const first = sim.rcs[0]!;
    expect(first.metadata.annotations).toMatchObject({
      [REVISION_ANNOTATION]: '3',
      [REVISION_HISTORY_ANNOTATION]: '1',
    });
    expect(sim.d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(planRollback(sim.d, sim.rcs, 3).message).toBe(
      'skipped rollback (current template already matches revision 3)',
    );
  });

  it('undoes to the newest earlier revision by default, or to the one asked for, among its own RCs only', () => {
    const sim = settled();
    sim.rollOut('hello:2');
    sim.rollOut('hello:3');
    const stranger = structuredClone(sim.rcs[0]!);
    stranger.metadata = {
      ...stranger.metadata,
      name: 'other-rc',
      uid: 'other-uid',
      annotations: { [REVISION_ANNOTATION]: '9' },
      ownerReferences: [{ ...stranger.metadata.ownerReferences![0]!, uid: 'other-deploy-uid' }],
    };
    stranger.spec!.template.spec.containers[0]!.image = 'other:9';
    const rcs = [...sim.rcs, stranger];

    const previous = planRollback(sim.d, rcs);
    expect(previous.message).toBe('rolled back to revision 2');
    expect(previous.action?.template.spec.containers[0]?.image).toBe('hello:2');
    const first = planRollback(sim.d, rcs, 1);
    expect(first.message).toBe('rolled back to revision 1');
    expect(first.action?.template.spec.containers[0]?.image).toBe('hello:1');
    expect(first.action?.template.metadata?.labels).toEqual({ app: 'web' });
    expect(() => planRollback(sim.d, rcs, 9)).toThrow('unable to find specified revision 9 in history');
  });

  it("refuses a revision that is not in the history, with kubectl's message, as bad input on toRevision", () => {
    const sim = settled();
    sim.rollOut('hello:2');
    const err = thrownBy(() => planRollback(sim.d, sim.rcs, 7));
    expect(isCapstanError(err, 'INVALID')).toBe(true);
    expect(err.message).toBe('unable to find specified revision 7 in history');
    expect(err.violations).toEqual([{ field: 'toRevision', message: err.message }]);
  });

  it("refuses an undo when there is no earlier revision, with kubectl's message", () => {
    const sim = settled();
    const err = thrownBy(() => planRollback(sim.d, sim.rcs));
    expect(isCapstanError(err, 'INVALID')).toBe(true);
    expect(err.message).toBe('no rollout history found for deployment "web"');
    expect(err.violations).toEqual([{ field: 'name', message: err.message }]);
  });

  it('deletes the oldest idle RCs beyond revisionHistoryLimit once a rollout completes', () => {
    const sim = settled({ revisionHistoryLimit: 2 });
    for (const image of ['hello:2', 'hello:3', 'hello:4', 'hello:5']) sim.rollOut(image);
    sim.step();
    expect(sim.rcs.map((rc) => rc.metadata.annotations?.[REVISION_ANNOTATION])).toEqual(['3', '4', '5']);
  });
});

describe('progress deadline', () => {
  it('reports ProgressDeadlineExceeded when a rollout makes no progress for progressDeadlineSeconds', () => {
    const sim = settled({ progressDeadlineSeconds: 60 });
    sim.d.spec!.template.spec.containers[0]!.image = 'broken:1';
    const first = planDeployment(sim.d, sim.rcs, at(100));
    for (const a of first.actions) sim.apply(a);
    sim.syncRCs();
    expect(first.requeueAfterMs).toBe(60_001);
    // The new RC's first pod appearing is progress: it restarts the clock.
    const progress = planDeployment(sim.d, sim.rcs, at(120));
    for (const a of progress.actions) sim.apply(a);
    expect(progress.requeueAfterMs).toBe(60_001);
    expect(planDeployment(sim.d, sim.rcs, at(150)).requeueAfterMs).toBe(30_001);
    expect(planDeployment(sim.d, sim.rcs, at(180)).actions).toEqual([]);
    const late = planDeployment(sim.d, sim.rcs, at(181));
    const status = late.actions.find((a) => a.type === 'updateDeploymentStatus');
    expect(status?.type === 'updateDeploymentStatus' && status.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
    );
    expect(late.requeueAfterMs).toBeUndefined();
  });
});
