import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerManager, type ControllerManager } from '../src/controllers/controller-manager.ts';
import { createRedisStore } from '../src/store/redis-store.ts';
import { startControlPlane, isReady, type ControlPlane } from './support/control-plane.ts';
import { newReplicationController } from './support/fixtures.ts';
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from './support/store.ts';

describe('node lifecycle', () => {
  let cp: ControlPlane;

  beforeAll(async () => {
    cp = await startControlPlane({
      nodes: 2,
      hollow: { renewIntervalMs: 300 },
      manager: { nodeLifecycle: { gracePeriodMs: 2_000, evictionTimeoutMs: 3_000 } },
    });
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it('marks a node whose agent stopped Ready=Unknown, evicts its pods and recreates them elsewhere', async () => {
    const ns = await cp.namespace();
    await cp.store.create('ReplicationController', newReplicationController('web', { namespace: ns, replicas: 4 }));
    const pods = await waitFor(async () => {
      const list = await cp.activePods(ns, { app: 'web' });
      return list.length === 4 && list.every(isReady) ? list : undefined;
    });
    const victim = pods[0]!.spec!.nodeName!;
    const survivor = victim === 'hollow-0' ? 'hollow-1' : 'hollow-0';
    const onVictim = new Set(pods.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata.uid));
    expect(onVictim.size).toBeGreaterThan(0);

    const dead = cp.hollow.nodes.get(victim)!;
    dead.pauseHeartbeat();
    await dead.freeze();
    try {
      const node = await waitFor(
        async () => {
          // The condition (status) and the taint (spec) are two writes: wait for both.
          const n = await cp.store.get('Node', undefined, victim);
          const unknown = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown';
          return unknown && n.spec?.taints?.length ? n : undefined;
        },
        { timeoutMs: 5_000, message: 'Ready=Unknown and the unreachable taint' },
      );
      expect(node.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toContain(
        'node.kubernetes.io/unreachable:NoExecute',
      );

      const replaced = await waitFor(
        async () => {
          const list = await cp.activePods(ns, { app: 'web' });
          const fine = list.length === 4 && list.every((p) => isReady(p) && p.spec?.nodeName === survivor);
          return fine ? list : undefined;
        },
        { timeoutMs: 10_000, message: 'all 4 pods ready on the surviving node' },
      );
      expect(replaced.some((p) => onVictim.has(p.metadata.uid))).toBe(false);
      const evicted = (await cp.store.list('Pod', { namespace: ns })).items.filter((p) => onVictim.has(p.metadata.uid));
      expect(evicted.every((p) => p.metadata.deletionTimestamp)).toBe(true);
      const events = (await cp.store.list('Event', { namespace: ns })).items;
      expect(events.filter((e) => e.reason === 'Evicted')).toHaveLength(onVictim.size);
    } finally {
      dead.resumeHeartbeat();
      await dead.unfreeze();
    }
    await waitFor(
      async () => {
        const n = await cp.store.get('Node', undefined, victim);
        const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        return ready && !n.spec?.taints?.length;
      },
      { timeoutMs: 5_000, message: 'node Ready again without taints' },
    );
    // The agent is back and finishes the evicted pods' deletion.
    await waitFor(async () => (await cp.store.list('Pod', { namespace: ns })).items.length === 4);
  });
});

describe('leader election', () => {
  const prefix = uniquePrefix('leader');
  const stores: Awaited<ReturnType<typeof createRedisStore>>[] = [];
  const managers: ControllerManager[] = [];
  const leaseDurationMs = 2_000;

  async function manager(identity: string): Promise<ControllerManager> {
    const store = await createRedisStore({ url: REDIS_URL, prefix });
    stores.push(store);
    const m = startControllerManager({
      store,
      identity,
      leaderElection: { leaseDurationMs, renewIntervalMs: 500, retryIntervalMs: 250 },
    });
    managers.push(m);
    return m;
  }

  afterAll(async () => {
    for (const m of managers) await m.stop();
    for (const s of stores) await s.close().catch(() => undefined);
    await deletePrefix(prefix);
  });

  it('runs controllers in exactly one of two managers, and the other takes over within the lease duration', async () => {
    const a = await manager('a');
    const b = await manager('b');
    await waitFor(() => a.isLeader || b.isLeader, { message: 'a leader' });
    // Sampled over several renewals: never both, never neither.
    for (let i = 0; i < 10; i++) {
      expect(Number(a.isLeader) + Number(b.isLeader)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [leader, follower] = a.isLeader ? [a, b] : [b, a];
    const leaderStore = stores[managers.indexOf(leader)]!;

    // Crash: the leader's Redis connection dies, so it neither renews nor releases the lease.
    const crashedAt = Date.now();
    leaderStore.redis.disconnect();
    await waitFor(() => follower.isLeader, { timeoutMs: leaseDurationMs + 1_000, message: 'takeover' });
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(leaseDurationMs + 300);
    await waitFor(() => !leader.isLeader, { message: 'the old leader stepped down' });

    // The new leader's controllers act.
    const store = stores[managers.indexOf(follower)]!;
    await store.create('ReplicationController', newReplicationController('after-failover', { replicas: 2 }));
    await waitFor(async () => (await store.list('Pod', { labelSelector: 'app=after-failover' })).items.length === 2, {
      message: 'pods created by the new leader',
    });
  });

  it('hands over at once when the leader stops cleanly', async () => {
    const c = await manager('c');
    const leader = managers.find((m) => m.isLeader)!;
    const stoppedAt = Date.now();
    await leader.stop();
    await waitFor(() => c.isLeader || managers.some((m) => m !== leader && m.isLeader), { message: 'new leader' });
    expect(Date.now() - stoppedAt).toBeLessThan(leaseDurationMs / 2);
  });
});
