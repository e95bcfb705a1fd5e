import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writtenNames, startWriteLoad, waitFor } from './chaos/harness.ts';
import {
  startSentinelServer,
  startSentinelSet,
  type SentinelServer,
  type SentinelSet,
} from './support/redis-sentinel.ts';

/**
 * The Redis primary SIGKILLed under a `capstan server` that finds it through three sentinels (REDIS_SENTINELS) and
 * acknowledges a write only once its replica has it (REDIS_MIN_REPLICAS=1): the API answers again from the promoted
 * replica, writes are acknowledged again once the old primary is back as its replica, and every acknowledged write
 * is there. Before Sentinel support the server kept dialling the dead primary's address.
 */
let set: SentinelSet | undefined;
let server: SentinelServer | undefined;

beforeAll(async () => {
  set = await startSentinelSet({ downAfterMs: 1000 });
  server = await startSentinelServer(set);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await set?.stop();
}, 60_000);

const COUNT_LEASES = `query ($ns: String) { leases(namespace: $ns) { items { metadata { name } } } }`;

describe('Redis Sentinel failover under capstan server', () => {
  it(
    'answers again after the primary is SIGKILLed and keeps every acknowledged write',
    { timeout: 180_000 },
    async () => {
      const { api } = server!;
      const s = set!;
      const ns = 'sentinel-writes';
      await api.request(
        `mutation { createNamespace(namespace: { metadata: { name: "${ns}" } }) { metadata { name } } }`,
      );
      const writes = startWriteLoad(api, ns, 150_000);
      try {
        await waitFor('writes acknowledged before the fault', 30_000, async () => {
          const names = await writtenNames(api, ns);
          return names.size >= 10 ? true : undefined;
        });
        expect(await s.primaryPort()).toBe(s.ports.a);

        const killedAt = Date.now();
        await s.kill(s.ports.a);
        // The failover: the sentinels name the replica as primary (down-after 1 s, then a vote).
        await waitFor('the sentinels promoting the replica', 60_000, async () =>
          (await s.primaryPort()) === s.ports.b ? true : undefined,
        );
        const switchedS = (Date.now() - killedAt) / 1000;
        // Reads go to Redis (the read cache checks the current resourceVersion): answering means the new primary.
        await waitFor('a read answered after the failover', 60_000, () => api.request(COUNT_LEASES, { ns }), 200);
        const readS = (Date.now() - killedAt) / 1000;
        // Its one replica is gone: min-replicas-to-write and WAIT 1 refuse writes rather than acknowledge what a
        // second failover would drop. The killed process is restarted, as a supervisor would, and joins as replica.
        await s.restart(s.ports.a);
        await waitFor('the old primary a replica of the new one', 60_000, async () =>
          (await s.role(s.ports.a)) === 'slave' ? true : undefined,
        );
        const rejoined = Date.now();
        await waitFor('writes acknowledged again', 60_000, async () => {
          const { records } = writes.peek();
          return records.filter((r) => r.ok && writes.startedAt + r.t > rejoined).length >= 5 ? true : undefined;
        });
        const { records, acknowledged } = await writes.stop();
        const after = records.filter((r) => writes.startedAt + r.t >= killedAt);
        const present = await waitFor('the written ConfigMaps read back', 30_000, () => writtenNames(api, ns));
        const lost = acknowledged.filter((n) => !present.has(n));
        const story =
          `failover ${switchedS} s, first read ${readS} s after the kill; ${acknowledged.length} acknowledged, ` +
          `${records.length - acknowledged.length} refused (${[...new Set(records.filter((r) => !r.ok).map((r) => r.err))].join(', ')}); ` +
          `${after.filter((r) => r.ok).length} acknowledged after the kill`;
        console.log(`redis-sentinel: ${story}`);
        expect(lost, story).toEqual([]);
        expect(acknowledged.length, story).toBeGreaterThan(15);
        expect(readS, story).toBeLessThan(60);
        // The server follows the primary: the sentinels' primary is now b, and a is its replica.
        expect(await s.primaryPort()).toBe(s.ports.b);
        expect(await s.role(s.ports.b)).toBe('master');
        // Writes refused while no replica confirmed carry UNAVAILABLE, nothing else.
        for (const r of records.filter((x) => !x.ok)) expect(r.err, story).toBe('UNAVAILABLE');
      } finally {
        await writes.stop();
      }
      // A user's view: capstan get answers on the new primary.
      const got = await server!.cli(['get', 'namespaces']);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toContain(ns);
    },
  );
});
