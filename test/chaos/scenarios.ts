import type { TestBed } from '../support/test-bed.ts';
import {
  killBedProcess,
  killContainer,
  leaderRole,
  healPartition,
  partitionFromControlPlane,
  powerOff,
  powerOn,
  restartEngine,
  restartRedis,
  restartServer,
  startSecondServer,
  stopSecondServer,
} from './faults.ts';
import {
  BedApi,
  writtenNames,
  perSecond,
  sleep,
  startHttpLoad,
  startWriteLoad,
  waitFor,
  type HttpRecord,
  type WriteRecord,
} from './harness.ts';
import { parseDuration } from '../../src/cli/wait.ts';
import { modelContainerKill } from './backoff-model.ts';
import type { ScenarioResult } from './report.ts';
import { startSentinelServer, startSentinelSet, type SentinelServer } from '../support/redis-sentinel.ts';
import { SWARM_HOST, swarmNote, swarmRollout } from './swarm-rollout.ts';
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
  const nodeArgs = ctx.bed.state.nodeArgs ?? [];
  const flag = nodeArgs.indexOf('--max-container-restart-period');
  const maxPeriod = flag >= 0 ? nodeArgs[flag + 1] : undefined;
  const maxPeriodMs = maxPeriod ? parseDuration(maxPeriod) : undefined;
  const model = (max: number | undefined, startS: number): string => {
    const m = modelContainerKill({ maxRestartPeriodMs: max, replicas, everyS, durationS, startS, runs: 400 });
    return `${Math.round((100 * m.allDownRuns) / m.runs)}% of runs (${m.meanAllDownS.toFixed(1)} s on average)`;
  };
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
      `Restart back-off: the node agents run with ${
        maxPeriod
          ? `\`--max-container-restart-period ${maxPeriod}\` (kubelet's crashLoopBackOff.maxContainerRestartPeriod: ${maxPeriodMs! <= 10_000 ? `every restart after at most ${maxPeriodMs! / 1000} s` : `waits of 10 s doubling up to ${maxPeriodMs! / 1000} s`})`
          : 'the default back-off (10 s doubling to 5 min)'
      }. The back-off model (test/chaos/backoff-model.ts, the agent's own Backoff) puts all ${replicas} replicas down at once, which no proxy can serve through, in ${model(maxPeriodMs, 3)} with this setting and in ${model(undefined, 3)} with the default back-off, for a container that serves 3 s after its restart; for one that needs 6 s: ${model(maxPeriodMs, 6)} and ${model(undefined, 6)}.`,
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
    const present = await writtenNames(survivor, `${NS}-writes`);
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
  // A watch opened before the fault must carry every acknowledged write, or say RESYNC: never a silent gap.
  const watch = api.watchWrites(`${NS}-writes`);
  // The writers run on past the restart (at most 60 s more) until the API acknowledges writes again.
  const writes = startWriteLoad(api, `${NS}-writes`, (writeS + 60) * 1000);
  await sleep(Math.min(10, writeS / 3) * 1000);
  const killedAt = Date.now();
  await killBedProcess(0, 'redis');
  await sleep(downS * 1000);
  await restartRedis();
  const restartedAt = Date.now();
  const acknowledgedAfter = () =>
    writes.peek().records.find((r) => r.ok && writes.startedAt + r.t >= restartedAt) ?? undefined;
  await waitFor('an acknowledged write after the restart', 60_000, acknowledgedAfter).catch(() => undefined);
  const rest = writes.startedAt + writeS * 1000 - Date.now();
  if (rest > 0) await sleep(rest);
  const { records: writeRecords, acknowledged } = await writes.stop();
  const firstOkAfter = writeRecords.find((r) => r.ok && writes.startedAt + r.t >= restartedAt);
  const present = await waitFor('the API answering after the restart', 60_000, () => writtenNames(api, `${NS}-writes`));
  const lost = acknowledged.filter((n) => !present.has(n));
  const unseen = () => acknowledged.filter((n) => !watch.added.has(n));
  await waitFor('the watch to carry every acknowledged write', 30_000, () =>
    unseen().length === 0 || watch.resyncs() > 0 || watch.ended() ? true : undefined,
  ).catch(() => undefined);
  const watchGap = unseen().length;
  const watchOk = watch.ended() === undefined && (watchGap === 0 || watch.resyncs() > 0);
  const watchNote = `A watch of the ConfigMaps opened before the kill ${watch.ended() ? `ended (${watch.ended()})` : 'stayed open'} and carried ${acknowledged.length - watchGap} of the ${acknowledged.length} acknowledged writes, with ${watch.resyncs()} RESYNC.`;
  await watch.close();
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
    criterion:
      'zero acknowledged writes lost; writes acknowledged again after the restart; controllers, agents and watches reconnect by themselves',
    passed: lost.length === 0 && acknowledged.length > 0 && firstOkAfter !== undefined && watchOk,
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
      watchNote,
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
  // Swarm on a quiet bed: Capstan's pods gone first, as Swarm's tasks were not there during Capstan's rollout.
  await bed.capstanOk(['scale', '-n', NS, 'deployment/web', '--replicas', '0']);
  await waitFor('the pods of web gone', 120_000, async () => ((await listPods(api)).length === 0 ? true : undefined));
  const swarm = await swarmRollout(bed, replicas, 8080);
  say(
    `rolling-update: swarm ${swarm instanceof Error ? `failed: ${swarm.message}` : `${swarm.seconds.toFixed(1)} s, ${swarm.state}`}`,
  );
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
      ...swarmNote(`h${SWARM_HOST}`, replicas, rolloutS, swarm),
    ],
    series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults: [faultAt],
    recoveries: [faultAt + rolloutS],
  };
}

/**
 * The Docker engine of the host running most `web` pods restarted under load (its containers stop with it): the
 * node agent starts them over in new sandboxes with the same pod IPs.
 */
export async function engineRestart(ctx: ChaosContext, options: { replicas?: number } = {}): Promise<ScenarioResult> {
  const { api, say } = ctx;
  const replicas = options.replicas ?? 3;
  await deployWeb(ctx.bed, api, replicas);
  const before = live(await listPods(api));
  const perNode = new Map<string, number>();
  for (const p of before) perNode.set(p.node!, (perNode.get(p.node!) ?? 0) + 1);
  const node = [...perNode].sort((a, b) => b[1] - a[1])[0]![0];
  const onNode = before.filter((p) => p.node === node);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, 180_000);
  await sleep(5_000);
  const faultAt = seconds(Date.now() - load.startedAt);
  const restartedAt = Date.now();
  await restartEngine(Number(node.slice(1)));
  const engineBack = seconds(Date.now() - restartedAt);
  const after = await waitFor('the pods of the restarted engine Ready again', 120_000, async () => {
    const pods = await waitReady(api, replicas, 120_000);
    const again = onNode.map((p) => pods.find((q) => q.name === p.name));
    return again.every((p) => p && p.restarts > 0) ? pods : undefined;
  });
  const recovery = seconds(Date.now() - restartedAt);
  await sleep(3_000);
  const records = await load.stop();
  const failed = records.filter((r) => !r.ok).length;
  const changed = onNode.filter((p) => after.find((q) => q.name === p.name)?.podIP !== p.podIP);
  const ips = onNode.map(
    (p) => `${p.name.split('-').at(-1)} ${p.podIP} → ${after.find((q) => q.name === p.name)?.podIP ?? 'gone'}`,
  );
  say(
    `engine-restart: ${node}, ${onNode.length} pods, ${changed.length} changed IP, ${failed} of ${records.length} failed`,
  );
  return {
    id: 'engine-restart',
    title: 'dockerd restarted on a host',
    criterion: "the host's pods come back with the same IPs",
    passed: changed.length === 0 && after.length === replicas,
    recoverySeconds: recovery,
    requests: records.length,
    failedRequests: failed,
    replicasAfter: `${after.length} of ${replicas} ready`,
    notes: [
      `The engine of ${node} (running ${onNode.length} of the ${replicas} pods) stopped with SIGTERM, its containers with it (no live-restore), and started again: answering after ${engineBack} s.`,
      `Its pods Ready again in new sandboxes ${recovery} s after the restart began; pod IPs (pod, before → after): ${ips.join(', ')}; ${changed.length} changed.`,
      `HTTP (not part of the criterion; the other replicas serve meanwhile): ${failed} of ${records.length} failed (${failures(records)}).`,
    ],
    series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults: [faultAt],
    recoveries: [faultAt + recovery],
  };
}

/** The `chaos` containers on host `host` (any state): pod name, container name, running or not. */
async function containersOn(
  ctx: ChaosContext,
  host: number,
): Promise<{ pod: string; container: string; running: boolean }[]> {
  const result = await ctx.bed.exec(host, [
    'docker',
    'ps',
    '-a',
    '--filter',
    `label=io.capstan.pod.namespace=${NS}`,
    '--format',
    '{{.Label "io.capstan.pod.name"}} {{.Label "io.capstan.container.name"}} {{.State}}',
  ]);
  if (result.code !== 0) throw new Error(`docker ps on h${host}: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [pod, container, state] = l.trim().split(' ');
      return { pod: pod!, container: container ?? '', running: state === 'running' };
    });
}

/**
 * A host powered off (its engine, containers and node agent SIGKILLed, its link down) under load: its pods are
 * Running elsewhere within 60 s; when it is powered on again its stale containers are removed and no pod runs
 * twice.
 */
export async function hostPowerOff(ctx: ChaosContext, options: { replicas?: number } = {}): Promise<ScenarioResult> {
  const { api, say } = ctx;
  const replicas = options.replicas ?? 3;
  // h0 runs the control plane and h1 the load: the victim is h2, whose NodePort requests fail while it is off.
  const victim = 2;
  const node = `h${victim}`;
  await deployWeb(ctx.bed, api, replicas);
  const before = live(await listPods(api));
  const onNode = before.filter((p) => p.node === node);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, 240_000);
  await sleep(5_000);
  const faultAt = seconds(Date.now() - load.startedAt);
  const offAt = Date.now();
  await powerOff(victim);
  await waitFor('the pods of the dead host Running elsewhere', 150_000, async () => {
    const pods = live(await listPods(api));
    const running = pods.filter((p) => p.phase === 'Running' && p.ready && p.node !== node);
    return running.length >= replicas && !pods.some((p) => onNode.some((o) => o.name === p.name)) ? pods : undefined;
  });
  const replacedS = seconds(Date.now() - offAt);
  await sleep(5_000);
  const onAt = Date.now();
  await powerOn(victim);
  await waitFor('the stale containers of the returned host removed', 120_000, async () => {
    const nodes = await api.request<{ node: { status: { conditions: { type: string; status: string }[] } } }>(
      `query ($n: String!) { node(name: $n) { status { conditions { type status } } } }`,
      { n: node },
    );
    if (!nodes.node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return undefined;
    const pods = live(await listPods(api));
    const mine = new Set(pods.filter((p) => p.node === node).map((p) => p.name));
    const leftovers = (await containersOn(ctx, victim)).filter((c) => !mine.has(c.pod));
    return leftovers.length === 0 ? true : undefined;
  });
  const cleanedS = seconds(Date.now() - onAt);
  await waitReady(api, replicas, 60_000);
  await sleep(3_000);
  const records = await load.stop();
  const running = new Map<string, number>();
  for (let h = 0; h < 3; h++) {
    for (const c of await containersOn(ctx, h)) {
      if (c.running && c.container === 'web') running.set(c.pod, (running.get(c.pod) ?? 0) + 1);
    }
  }
  const twice = [...running].filter(([, n]) => n > 1).map(([p]) => p);
  const runningCount = [...running.values()].reduce((a, b) => a + b, 0);
  const pods = live(await listPods(api));
  const failed = records.filter((r) => !r.ok).length;
  const clusterFailed = records.filter((r) => !r.ok && r.target === 'clusterip').length;
  const clusterTotal = records.filter((r) => r.target === 'clusterip').length;
  say(
    `host-poweroff: replaced in ${replacedS} s, cleaned ${cleanedS} s after power-on, ${runningCount} running, twice: ${twice.join(',') || 'none'}`,
  );
  return {
    id: 'host-poweroff',
    title: 'A host powered off',
    criterion:
      'its pods Running elsewhere within 60 s; when it comes back its stale containers are removed and nothing runs twice',
    passed: replacedS <= 60 && twice.length === 0 && runningCount === replicas && pods.length === replicas,
    recoverySeconds: replacedS,
    requests: records.length,
    failedRequests: failed,
    replicasAfter: `${runningCount} containers running for ${replicas} replicas`,
    notes: [
      `${node} (running ${onNode.length} of the ${replicas} pods) powered off: its engine, containerd, shims and containers and its node agent SIGKILLed at once, its link down.`,
      `Its pods Running and Ready on other hosts ${replacedS} s later (node lease grace 20 s, then the NoExecute taint, which web's pods tolerate for 10 s, then scheduling and start).`,
      `Powered on 5 s after that: engine and agent started again; the agent found the old containers of pods that now run elsewhere and removed them ${cleanedS} s after the power-on; afterwards ${runningCount} web containers run on the 3 hosts for ${replicas} replicas, ${twice.length ? `twice: ${twice.join(', ')}` : 'none twice'}.`,
      `HTTP: through the ClusterIP ${clusterFailed} of ${clusterTotal} failed; in all ${failed} of ${records.length} (${failures(records)}) — the NodePort target is on ${node}, so its requests fail while the host is off.`,
    ],
    series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
    faults: [faultAt],
    recoveries: [faultAt + replacedS],
  };
}

/**
 * A host partitioned from the control plane (h0) while clients on h1 still reach it: as in Kubernetes, its pods
 * keep serving, are replaced elsewhere after the eviction timeout, and the old copies stop once the partition heals.
 * Says how long two copies ran.
 */
export async function hostPartition(ctx: ChaosContext, options: { replicas?: number } = {}): Promise<ScenarioResult> {
  const { api, say } = ctx;
  const replicas = options.replicas ?? 3;
  const victim = 2;
  const node = `h${victim}`;
  await deployWeb(ctx.bed, api, replicas);
  const before = live(await listPods(api));
  const onNode = before.filter((p) => p.node === node);
  const load = startHttpLoad(LOAD_HOST_NETNS, await webTargets(api), HTTP_RATE, 300_000);
  await sleep(5_000);
  const faultAt = seconds(Date.now() - load.startedAt);
  const cutAt = Date.now();
  let healedAt: number | undefined;
  try {
    await partitionFromControlPlane(victim);
    await waitFor('replacements Ready elsewhere', 150_000, async () => {
      const pods = live(await listPods(api));
      const elsewhere = pods.filter((p) => p.phase === 'Running' && p.ready && p.node !== node);
      return elsewhere.length >= replicas ? true : undefined;
    });
    const replacedS = seconds(Date.now() - cutAt);
    // While cut off, the old copies still run on the victim (its agent cannot learn that their pods are gone).
    const during = (await containersOn(ctx, victim)).filter(
      (c) => c.running && c.container === 'web' && onNode.some((o) => o.name === c.pod),
    ).length;
    await sleep(5_000);
    healedAt = Date.now();
    await healPartition(victim);
    await waitFor('the old copies stopped after the heal', 120_000, async () => {
      const left = (await containersOn(ctx, victim)).filter((c) => c.running && onNode.some((o) => o.name === c.pod));
      return left.length === 0 ? true : undefined;
    });
    const stoppedS = seconds(Date.now() - healedAt);
    const twoCopiesS = seconds(Date.now() - cutAt - replacedS * 1000);
    await waitReady(api, replicas, 60_000);
    await sleep(3_000);
    const records = await load.stop();
    const failed = records.filter((r) => !r.ok).length;
    const toVictim = records.filter((r) => r.target === 'nodeport');
    const pods = live(await listPods(api));
    say(`host-partition: replaced ${replacedS} s, two copies for ${twoCopiesS} s, ${failed} failed`);
    return {
      id: 'host-partition',
      title: 'A host partitioned from the control plane',
      criterion:
        "Kubernetes' behaviour: its pods keep serving, are replaced elsewhere after the eviction timeout, the old ones stop when the partition heals",
      passed: onNode.length > 0 && during === onNode.length && pods.length === replicas,
      recoverySeconds: replacedS,
      requests: records.length,
      failedRequests: failed,
      replicasAfter: `${pods.length} pods for ${replicas} replicas`,
      notes: [
        `${node} (running ${onNode.length} of the ${replicas} pods) cut off from h0 (API server, Redis) by drop rules in its own namespace; h1's clients still reach it.`,
        `Its pods were replaced on other hosts, Ready ${replacedS} s after the cut (lease grace 20 s, then the taint, tolerated for 10 s); meanwhile ${during} of its ${onNode.length} old copies still ran there.`,
        `The partition healed 5 s later; the agent learnt that their pods were gone and stopped the old copies ${stoppedS} s after the heal: **two copies ran for ${twoCopiesS} s** (from the replacement being Ready to the old copy stopping).`,
        `HTTP: through the NodePort of ${node}, served by its proxy from its last state: ${toVictim.filter((r) => !r.ok).length} of ${toVictim.length} failed; in all ${failed} of ${records.length} (${failures(records)}).`,
      ],
      series: series(records, undefined, Math.ceil(records.at(-1)!.t / 1000) + 1),
      faults: [faultAt],
      recoveries: [faultAt + replacedS],
    };
  } finally {
    if (healedAt === undefined) await healPartition(victim).catch(() => undefined);
  }
}

/**
 * The Redis primary SIGKILLed under writes with Sentinel: a primary, one replica and three sentinels on this
 * machine's loopback (test/support/redis-sentinel.ts), a `capstan server` of their own with REDIS_SENTINELS and
 * REDIS_MIN_REPLICAS=1 (WAIT 1 before a write is acknowledged; min-replicas-to-write 1 on both nodes). The killed
 * process is started again once the replica was promoted, as a supervisor would, and rejoins as its replica.
 * Criterion: the API answers again within the failover time and no acknowledged write is lost.
 */
export async function sentinelFailover(
  ctx: Pick<ChaosContext, 'say'>,
  options: { writeS?: number; downAfterMs?: number } = {},
): Promise<ScenarioResult> {
  const { say } = ctx;
  const writeS = options.writeS ?? 60;
  const downAfterMs = options.downAfterMs ?? 1000;
  const set = await startSentinelSet({ downAfterMs });
  let server: SentinelServer | undefined;
  let reading = true;
  try {
    server = await startSentinelServer(set);
    const { api } = server;
    const ns = 'sentinel-writes';
    await ensureNamespace(api, ns);
    // Bounded well past writeS: the writes must outlast the failover and the rejoin; stop() ends them.
    const writes = startWriteLoad(api, ns, (writeS + 120) * 1000);
    const reads: WriteRecord[] = [];
    const readLoop = (async () => {
      while (reading) {
        const t = Date.now() - writes.startedAt;
        try {
          await api.request(`query ($ns: String) { leases(namespace: $ns) { items { metadata { name } } } }`, {
            ns,
          });
          reads.push({ t, ok: true, name: 'read' });
        } catch (err) {
          reads.push({ t, ok: false, name: 'read', err: (err as { code?: string }).code ?? String(err) });
        }
        await sleep(200);
      }
    })();
    await sleep(Math.min(10, writeS / 4) * 1000);
    const killedAt = Date.now();
    await set.kill(set.ports.a);
    await waitFor('the sentinels promoting the replica', 60_000, async () =>
      (await set.primaryPort()) === set.ports.b ? true : undefined,
    );
    const promotedAt = Date.now();
    const firstRead = await waitFor('a read answered after the kill', 60_000, () =>
      reads.find((r) => r.ok && writes.startedAt + r.t >= killedAt),
    );
    await set.restart(set.ports.a);
    const restartedAt = Date.now();
    await waitFor('the old primary a replica of the new one', 60_000, async () =>
      (await set.role(set.ports.a)) === 'slave' ? true : undefined,
    );
    const rejoinedAt = Date.now();
    const firstWrite = await waitFor('a write acknowledged after the kill', 60_000, () =>
      writes.peek().records.find((r) => r.ok && writes.startedAt + r.t >= killedAt),
    );
    const left = writes.startedAt + writeS * 1000 - Date.now();
    if (left > 0) await sleep(left);
    const { records: writeRecords, acknowledged } = await writes.stop();
    reading = false;
    await readLoop;
    const present = await waitFor('the written ConfigMaps read back', 60_000, () => writtenNames(api, ns));
    const lost = acknowledged.filter((n) => !present.has(n));
    const failedWrites = writeRecords.filter((r) => !r.ok);
    const failedReads = reads.filter((r) => !r.ok);
    const codes = [...new Set(failedWrites.map((r) => r.err))].join(', ');
    const at = (ms: number): number => seconds(ms - killedAt);
    const recovery = at(writes.startedAt + firstRead.t);
    say(
      `sentinel-failover: ${acknowledged.length} acked, ${lost.length} lost, reads back ${recovery} s after the kill`,
    );
    const faultAt = seconds(killedAt - writes.startedAt);
    const length = Math.ceil(Math.max(writeRecords.at(-1)?.t ?? 0, reads.at(-1)?.t ?? 0) / 1000) + 1;
    const r = perSecond(reads, length);
    const w = perSecond(writeRecords, length);
    return {
      id: 'sentinel-failover',
      title: 'Redis primary SIGKILLed with Sentinel',
      criterion: 'the API answers again within the failover time; zero acknowledged writes lost',
      passed: lost.length === 0 && acknowledged.length > 0 && recovery <= at(promotedAt) + 5,
      recoverySeconds: recovery,
      requests: reads.length,
      failedRequests: failedReads.length,
      acknowledgedWrites: acknowledged.length,
      lostWrites: lost.length,
      failedWrites: failedWrites.length,
      replicasAfter: '1 primary, 1 replica',
      notes: [
        `A primary, one replica (AOF, \`min-replicas-to-write 1\`) and three sentinels (down-after ${downAfterMs} ms, quorum 2) on loopback, with their own \`capstan server\` (REDIS_SENTINELS, REDIS_MIN_REPLICAS=1: \`WAIT 1 1000\` after each write); the primary SIGKILLed ${faultAt} s into the load.`,
        `The sentinels named the replica primary ${at(promotedAt)} s after the kill; the API answered a read ${recovery} s after it (reads go to Redis: the read cache checks the current resourceVersion). ${failedReads.length} of ${reads.length} reads (every 200 ms) failed in between.`,
        `With its one replica gone the new primary refuses writes (NOREPLICAS; WAIT would count 0): the killed process was started again ${at(restartedAt)} s after the kill and was its replica ${at(rejoinedAt)} s after; the first write acknowledged after the kill came ${at(writes.startedAt + firstWrite.t)} s after it.`,
        `Writes: ${acknowledged.length} acknowledged, all read back afterwards except ${lost.length}${lost.length ? ` (${lost.slice(0, 5).join(', ')})` : ''}; ${failedWrites.length} got an error (${codes || 'none'}): not acknowledged, so not lost.`,
      ],
      series: { ok: r.ok, failed: r.failed, writesOk: w.ok, writesFailed: w.failed },
      faults: [faultAt],
      recoveries: [seconds(firstRead.t)],
    };
  } finally {
    reading = false;
    await server?.stop();
    await set.stop();
  }
}
