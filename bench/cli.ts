/**
 * CLI start-up: `capstan get pods` as a user runs it (a whole `node bin/capstan.mjs` process, the build in
 * dist/current) against a control plane in this process with 20 pods in `default`, against `node -e 0` in the same
 * run. The two alternate, 10 runs each after one warm-up run of each; medians of wall time. Target (issue #17):
 * ≤ 2.5× `node -e 0`.
 */
import './support/quiet-logs.ts';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../src/app/up.ts';
import { deletePrefix } from '../test/support/store.ts';
import { newPod } from '../test/support/fixtures.ts';
import { percentile, report } from './report.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 10);
const BIN = fileURLToPath(new URL('../bin/capstan.mjs', import.meta.url));
const BUILD = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));

/**
 * Wall time of one whole process, in ms; throws when it fails. Not spawnSync: the server answering it runs on this
 * process' event loop.
 */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { env }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`node ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(performance.now() - start);
    }),
  );
}

export async function benchCli(): Promise<void> {
  // The CLI runs its build: make sure it is the build of these sources.
  await timed([BUILD], process.env);
  const id = randomBytes(3).toString('hex');
  const prefix = `capstan-bench:cli-${id}:`;
  const configDir = await mkdtemp(join(tmpdir(), 'capstan-bench-cli-'));
  const savedConfig = process.env.CAPSTAN_CONFIG;
  process.env.CAPSTAN_CONFIG = join(configDir, 'server-config');
  const plane = await startControlPlane({
    port: 0,
    dnsPort: 0,
    prefix,
    nodeName: `bench-cli-${id}`,
    serviceCidr: '10.98.201.0/24',
    dnsServiceIp: '10.98.201.10',
    loadBalancerCidr: '127.100.201.0/24',
  });
  try {
    for (let i = 0; i < 20; i++) await plane.store.create('Pod', newPod(`cli-${i}`));
    // The user's view: a config file with server and token, as `capstan up` writes it.
    const config = join(configDir, 'config');
    await writeFile(config, `server: ${plane.api.url}\ntoken: ${plane.adminToken}\n`, { mode: 0o600 });
    const env = { ...process.env, CAPSTAN_CONFIG: config };
    const get = [BIN, 'get', 'pods'];
    const bare = ['-e', '0'];
    await timed(get, env);
    await timed(bare, env);
    const cli: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cli.push(await timed(get, env));
      node.push(await timed(bare, env));
    }
    const median = percentile(cli, 50);
    const nodeMedian = percentile(node, 50);
    report('cli.get_pods_ms', median, {
      runs: RUNS,
      node_e_0: nodeMedian,
      ratio: median / nodeMedian,
      minMs: Math.min(...cli),
      maxMs: Math.max(...cli),
      target: '<= 2.5x node -e 0',
    });
  } finally {
    await plane.stop();
    await deletePrefix(prefix, url);
    await rm(configDir, { recursive: true, force: true });
    if (savedConfig === undefined) delete process.env.CAPSTAN_CONFIG;
    else process.env.CAPSTAN_CONFIG = savedConfig;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCli();
