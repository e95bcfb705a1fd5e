import type { TestBed } from '../support/test-bed.ts';
import {
  killBedProcess,
  killContainer,
  leaderRole,
  restartRedis,
  restartServer,
  startSecondServer,
  stopSecondServer,
} from './faults.ts';
import {
  BedApi,
  leaseNames,
  perSecond,
  sleep,
  startHttpLoad,
  startWriteLoad,
  waitFor,
  type HttpRecord,
  type WriteRecord,
} from './harness.ts';
import type { ScenarioResult } from './report.ts';
import { LOAD_HOST_NETNS, NS, deployWeb, listPods, live, waitReady, webTargets } from './workload.ts';

/** What every scenario gets: the bed and an API client of its first server. */
export interface ChaosContext {
  bed: TestBed;
  api: BedApi;
  say: (line: string) => void;
}

// Per target. The hello server answers one request at a time (nc forks a shell each): about 7 per second per pod on
// the busy 2-core machine; 4 per target keeps 3 pods below saturation so that a timeout means a fault, not a queue.
const HTTP_RATE = Number(process.env.CHAOS_HTTP_RATE ?? 4);

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function failures(records: HttpRecord[]): string {
  const byReason = new Map<string, number>();
  for (const r of records)
    if (!r.ok) byReason.set(`${r.target} ${r.err}`, (byReason.get(`${r.target} ${r.err}`) ?? 0) + 1);
  return [...byReason].map(([k, v]) => `${v}× ${k}`).join(', ') || 'none';
}

function series(http: HttpRecord[], writes: WriteRecord[] | undefined, length: number): ScenarioResult['series'] {
  const h = perSecond(http, length);
  if (!writes) return h;
  const w = perSecond(writes, length);
  return { ...h, writesOk: w.ok, writesFailed: w.failed };
}

/**
 * One random pod's container SIGKILLed every `everyS` seconds for `durationS`, 3 replicas, under HTTP load: the
 * proxy tries another ready endpoint when one refuses, so no request fails.
 */
export async function containerKill(
  ctx: ChaosContext,
  options: { durationS?: number; everyS?: number; replicas?: number } = {},
): Promise<ScenarioResult> {
  const { api, say } = ctx;
  const durationS = options.durationS ?? 120;
  const everyS = options.everyS ?? 5;
  const replicas = options.replicas ?? 3;
  await deployWeb(ctx.bed, api, replicas);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, (durationS + 60) * 1000);
  const faults: number[] = [];
  let kills = 0;
  await sleep(3_000);
  const end = Date.now() + durationS * 1000;
  while (Date.now() < end) {
    const pods = live(await listPods(api)).filter((p) => p.phase === 'Running' && p.containerId && p.node);
    const victim = pods[Math.floor(Math.random() * pods.length)];
    if (victim && (await killContainer(Number(victim.node!.slice(1)), victim.containerId!))) {
      kills++;
      faults.push(seconds(Date.now() - load.startedAt));
    }
    await sleep(Math.max(0, Math.min(everyS * 1000, end - Date.now())));
  }
  const lastKill = Date.now();
  await waitReady(api, replicas, 90_000);
  const recovery = seconds(Date.now() - lastKill);
  await sleep(2_000);
  const records = await load.stop();
  const failed = records.filter((r) => !r.ok).length;
  const pods = live(await listPods(api));
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  say(`container-kill: ${kills} kills, ${failed} of ${records.length} requests failed: ${failures(records)}`);
  return {
    id: 'container-kill',
    title: `Container kill every ${everyS} s for ${durationS} s`,
    criterion: `one random pod's container of ${replicas} replicas SIGKILLed every ${everyS} s: zero failed requests`,
    passed: failed === 0 && pods.length === replicas,
    recoverySeconds: recovery,
    requests: records.length,
    failedRequests: failed,
    replicasAfter: `${pods.filter((p) => p.ready).length} of ${replicas} ready`,
    notes: [
      `${kills} containers SIGKILLed (docker kill on their host's engine); the pods restarted them ${restarts} times in all.`,
      `${records.length} requests at ${HTTP_RATE}/s per target (NodePort of h2 and the ClusterIP, from h1); failed: ${failures(records)}.`,
      `Recovery: all ${replicas} pods Ready and in the Endpoints again ${recovery} s after the last kill.`,
    ],
    series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults,
    seconds: durationS,
  };
}

/**
 * The leader `capstan server` SIGKILLed while a second one runs: the survivor takes the lease within its
 * duration (15 s) and its controllers act (a deleted pod is replaced exactly once); its API answers throughout.
 */
export async function leaderKill(ctx: ChaosContext, options: { writeS?: number } = {}): Promise<ScenarioResult> {
  const { api, bed, say } = ctx;
  const replicas = 3;
  const writeS = options.writeS ?? 40;
  await deployWeb(bed, api, replicas);
  const survivorUrl = await startSecondServer(/^token:\s*(\S+)/m.exec(await tokenOfBed())![1]!);
  const survivor = BedApi.fromBed(survivorUrl);
  try {
    const before = await waitFor('a leader', 30_000, () => leaderRole(bed));
    const victimRole = before;
    const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, (writeS + 90) * 1000);
    await ensureNamespace(survivor, `${NS}-writes`);
    const writes = startWriteLoad(survivor, `${NS}-writes`, writeS * 1000);
    await sleep(5_000);
    const victimPod = live(await listPods(survivor))[0]!;
    const killedAt = Date.now();
    if (victimRole === 'server') await killBedProcess(0, 'server');
    else await killBedProcess(0, 'server-b');
    const faultAt = seconds(killedAt - load.startedAt);
    // A controller action that needs the new leader: the ReplicaSet replaces a deleted pod.
    await survivor
      .request(
        `mutation ($ns: String, $n: String!) { deletePod(namespace: $ns, name: $n, gracePeriodSeconds: 0) { metadata { name } } }`,
        {
          ns: NS,
          n: victimPod.name,
        },
      )
      .catch(() => undefined);
    const newRole = await waitFor(
      'the survivor holding the lease',
      40_000,
      async () => {
        const role = await leaderRole(bed);
        return role && role !== victimRole ? role : undefined;
      },
      100,
    );
    const takeover = seconds(Date.now() - killedAt);
    await waitFor('a replacement pod', 40_000, async () => {
      const pods = live(await listPods(survivor));
      return pods.length === replicas && !pods.some((p) => p.name === victimPod.name) ? true : undefined;
    });
    const replaced = seconds(Date.now() - killedAt);
    // The killed server comes back as a supervisor would restart it; the node agents talk to the first server.
    if (victimRole === 'server') await restartServer();
    const { records: writeRecords, acknowledged } = await writes.stop();
    await waitReady(api, replicas, 120_000);
    const recovered = seconds(Date.now() - killedAt);
    const records = await load.stop();
    const present = await leaseNames(survivor, `${NS}-writes`);
    const lost = acknowledged.filter((n) => !present.has(n)).length;
    const failedWrites = writeRecords.filter((r) => !r.ok).length;
    const pods = live(await listPods(api));
    const failed = records.filter((r) => !r.ok).length;
    say(`leader-kill: takeover ${takeover} s, ${failedWrites} failed writes, ${lost} lost, ${pods.length} pods`);
    return {
      id: 'leader-kill',
      title: 'Leader capstan server SIGKILLed',
      criterion:
        'controllers resume on the other server within the lease (15 s); no duplicate pods; the API keeps answering on the survivor',
      passed: takeover <= 17 && pods.length === replicas && failedWrites === 0 && lost === 0,
      recoverySeconds: takeover,
      requests: records.length,
      failedRequests: failed,
      acknowledgedWrites: acknowledged.length,
      lostWrites: lost,
      failedWrites,
      replicasAfter: `${pods.length} pods for ${replicas} replicas`,
      notes: [
        `Two servers on h0 over one Redis; the leader (${victimRole}) SIGKILLed; ${newRole} held the lease ${takeover} s later (lease 15 s, followers retry every 2 s).`,
        `A pod deleted through the survivor right after the kill was replaced ${replaced} s after the kill, by the new leader's controllers; afterwards ${pods.length} live pods for ${replicas} replicas (no duplicates).`,
        `Writes through the survivor: ${acknowledged.length} acknowledged, ${failedWrites} failed, ${lost} lost.`,
        `HTTP (node agents talk to the first server, which a supervisor restarts): ${failed} of ${records.length} failed (${failures(records)}); everything Ready again ${recovered} s after the kill.`,
      ],
      series: series(records, writeRecords, Math.ceil(records.at(-1)!.t / 1000) + 1),
      faults: [faultAt],
      recoveries: [faultAt + takeover],
    };
  } finally {
    await survivor.close();
    await stopSecondServer();
  }
}

async function tokenOfBed(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { CLIENT_CONFIG } = await import('../../scripts/cluster/layout.ts');
  return readFile(CLIENT_CONFIG, 'utf8');
}

async function ensureNamespace(api: BedApi, name: string): Promise<void> {
  await api
    .request(`mutation ($ns: NamespaceInput!) { createNamespace(namespace: $ns) { metadata { name } } }`, {
      ns: { metadata: { name } },
    })
    .catch((err: { code?: string }) => {
      if (err.code !== 'CONFLICT') throw err;
    });
}

/**
 * Redis SIGKILLed under write load and restarted `downS` later: no acknowledged write is lost, and controllers,
 * agents and watches reconnect by themselves (a scale-up afterwards is carried out).
 */
export async function redisKill(
  ctx: ChaosContext,
  options: { writeS?: number; downS?: number } = {},
): Promise<ScenarioResult> {
  const { api, bed, say } = ctx;
  const replicas = 3;
  const writeS = options.writeS ?? 30;
  const downS = options.downS ?? 4;
  await deployWeb(bed, api, replicas);
  await ensureNamespace(api, `${NS}-writes`);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, (writeS + 120) * 1000);
  const writes = startWriteLoad(api, `${NS}-writes`, writeS * 1000);
  await sleep(Math.min(10, writeS / 3) * 1000);
  const killedAt = Date.now();
  await killBedProcess(0, 'redis');
  await sleep(downS * 1000);
  await restartRedis();
  const restartedAt = Date.now();
  const { records: writeRecords, acknowledged } = await writes.stop();
  const firstOkAfter = writeRecords.find((r) => r.ok && writes.startedAt + r.t >= restartedAt);
  const present = await waitFor('the API answering after the restart', 60_000, () => leaseNames(api, `${NS}-writes`));
  const lost = acknowledged.filter((n) => !present.has(n));
  // Controllers, scheduler, node agents and proxies must have reconnected to carry out a scale-up.
  await api.request(
    `mutation ($ns: String) { scale(kind: Deployment, namespace: $ns, name: "web", replicas: ${replicas + 1}) { __typename } }`,
    { ns: NS },
  );
  await waitReady(api, replicas + 1, 120_000);
  const scaled = seconds(Date.now() - restartedAt);
  await api.request(
    `mutation ($ns: String) { scale(kind: Deployment, namespace: $ns, name: "web", replicas: ${replicas}) { __typename } }`,
    { ns: NS },
  );
  await waitReady(api, replicas, 120_000);
  const records = await load.stop();
  const failed = records.filter((r) => !r.ok).length;
  const failedWrites = writeRecords.filter((r) => !r.ok);
  const recovery = firstOkAfter ? seconds(writes.startedAt + firstOkAfter.t - killedAt) : undefined;
  const codes = [...new Set(failedWrites.map((r) => r.err))].join(', ');
  say(`redis-kill: ${acknowledged.length} acked, ${lost.length} lost, ${failedWrites.length} failed writes`);
  const faultAt = seconds(killedAt - load.startedAt);
  return {
    id: 'redis-kill',
    title: `Redis SIGKILLed for ${downS} s under writes`,
    criterion: 'zero acknowledged writes lost; controllers, agents and watches reconnect by themselves',
    passed: lost.length === 0 && acknowledged.length > 0,
    recoverySeconds: recovery,
    requests: records.length,
    failedRequests: failed,
    acknowledgedWrites: acknowledged.length,
    lostWrites: lost.length,
    failedWrites: failedWrites.length,
    replicasAfter: `${replicas} of ${replicas} ready`,
    notes: [
      `Redis (AOF, appendfsync everysec) SIGKILLed ${faultAt} s into the load and started again ${downS} s later.`,
      `Writes: ${acknowledged.length} acknowledged, all read back afterwards except ${lost.length}${lost.length ? ` (${lost.slice(0, 5).join(', ')})` : ''}; ${failedWrites.length} got an error while Redis was down (${codes || 'none'}): not acknowledged, so not lost.`,
      `First acknowledged write ${recovery ?? '–'} s after the kill. A scale-up to ${replicas + 1} afterwards was Ready ${scaled} s after the restart: controllers, the scheduler, node agents and proxies reconnected by themselves.`,
      `HTTP kept going on the proxies' last state: ${failed} of ${records.length} failed (${failures(records)}).`,
    ],
    series: series(records, writeRecords, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults: [faultAt],
    recoveries: [seconds(restartedAt - load.startedAt)],
  };
}

/**
 * 100 concurrent `scale` mutations on one workload: its final replicas is the value of the write the store
 * ordered last (the highest resourceVersion among the acknowledged ones), and exactly that many pods run.
 */
export async function concurrentScale(ctx: ChaosContext, options: { writers?: number } = {}): Promise<ScenarioResult> {
  const { api, bed, say } = ctx;
  const writers = options.writers ?? 100;
  await deployWeb(bed, api, 2);
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: writers }, async (_, i) => {
      const replicas = 1 + (i % 5);
      try {
        const data = await api.request<{
          scale: { metadata: { resourceVersion: string }; spec: { replicas: number } };
        }>(
          `mutation ($ns: String, $r: Int!) { scale(kind: Deployment, namespace: $ns, name: "web", replicas: $r) {
             ... on Deployment { metadata { resourceVersion } spec { replicas } } } }`,
          { ns: NS, r: replicas },
          30_000,
        );
        return { ok: true, replicas, rv: BigInt(data.scale.metadata.resourceVersion) };
      } catch (err) {
        return { ok: false, replicas, rv: 0n, err: (err as { code?: string }).code };
      }
    }),
  );
  const acked = results.filter((r) => r.ok);
  const last = acked.reduce((a, b) => (b.rv > a.rv ? b : a));
  const final = await api.request<{ deployment: { spec: { replicas: number } } }>(
    `query ($ns: String) { deployment(namespace: $ns, name: "web") { spec { replicas } } }`,
    { ns: NS },
  );
  const settledMs = Date.now();
  let running = 0;
  let ok = false;
  try {
    await waitReady(api, last.replicas, 120_000);
    ok = true;
  } catch {
    // reported below
  }
  running = live(await listPods(api)).filter((p) => p.phase === 'Running').length;
  const distinctRv = new Set(acked.map((r) => r.rv)).size;
  say(
    `concurrent-scale: ${acked.length} acked, last ${last.replicas}, final ${final.deployment.spec.replicas}, ${running} running`,
  );
  return {
    id: 'concurrent-scale',
    title: `${writers} concurrent scale mutations`,
    criterion: 'the final replicas is the last acknowledged value and exactly that many pods run',
    passed: ok && final.deployment.spec.replicas === last.replicas && running === last.replicas,
    recoverySeconds: seconds(Date.now() - settledMs),
    replicasAfter: `${running} running for ${final.deployment.spec.replicas}`,
    notes: [
      `${writers} scale mutations (values 1 to 5) sent at once; ${acked.length} acknowledged in ${seconds(settledMs - started)} s with ${distinctRv} distinct resourceVersions (every write its own version: none overwrote another silently), ${results.length - acked.length} failed (${[...new Set(results.filter((r) => !r.ok).map((r) => r.err))].join(', ') || 'none'}).`,
      `The acknowledged write with the highest resourceVersion set ${last.replicas}; the Deployment says ${final.deployment.spec.replicas}; ${running} pods Running (and Ready) ${seconds(Date.now() - settledMs)} s later.`,
    ],
  };
}

/**
 * A rolling update of a 10-replica Deployment under HTTP load (`capstan set image`, then `rollout status`): every
 * old pod leaves every proxy before it gets SIGTERM, so no request fails.
 */
export async function rollingUpdate(ctx: ChaosContext, options: { replicas?: number } = {}): Promise<ScenarioResult> {
  const { api, bed, say } = ctx;
  const replicas = options.replicas ?? 10;
  await deployWeb(bed, api, replicas);
  // A second tag of the same image on every engine: a new pod template without a registry.
  for (let i = 0; i < bed.state.nodes; i++)
    await bed.exec(i, ['docker', 'tag', 'capstan/hello:latest', 'capstan/hello:v2']);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, 300_000);
  await sleep(3_000);
  const startedAt = Date.now();
  await bed.capstanOk(['set', 'image', '-n', NS, 'deployment/web', 'web=capstan/hello:v2']);
  const status = await bed.capstan(['rollout', 'status', '-n', NS, 'deployment/web', '--timeout', '280s'], {
    timeoutMs: 290_000,
  });
  const rolloutS = seconds(Date.now() - startedAt);
  await waitReady(api, replicas, 60_000);
  await sleep(3_000);
  const records = await load.stop();
  const failed = records.filter((r) => !r.ok).length;
  const pods = live(await listPods(api));
  say(`rolling-update: ${rolloutS} s, ${failed} of ${records.length} failed: ${failures(records)}`);
  const faultAt = seconds(startedAt - load.startedAt);
  return {
    id: 'rolling-update',
    title: `Rolling update of ${replicas} replicas`,
    criterion: 'zero failed requests: an endpoint leaves every proxy before its pod gets SIGTERM',
    passed: status.code === 0 && failed === 0 && pods.length === replicas,
    recoverySeconds: rolloutS,
    requests: records.length,
    failedRequests: failed,
    replicasAfter: `${pods.filter((p) => p.ready).length} of ${replicas} ready`,
    notes: [
      `\`capstan set image\` then \`capstan rollout status\` (maxSurge 1, maxUnavailable 0): ${status.code === 0 ? 'complete' : `exit ${status.code}`} in ${rolloutS} s.`,
      `${records.length} requests during the update; failed: ${failures(records)}.`,
      `Swarm's \`service update\` of 10 replicas was not measured: no swarm runs on this machine (the engines are the bed's and shared ones).`,
    ],
    series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults: [faultAt],
    recoveries: [faultAt + rolloutS],
  };
}
