import {
  CAPSTAN_BIN,
  CA_FILE,
  CLIENT_CONFIG,
  REPO_ROOT,
  hostLayout,
  netnsPath,
  type HostLayout,
} from '../../scripts/cluster/layout.ts';
import { teardown, type TeardownReport } from '../../scripts/cluster/down.ts';
import { readState, type BedState } from '../../scripts/cluster/state.ts';
import { bedStatus } from '../../scripts/cluster/status.ts';
import { acquireBedLock as acquireLock, releaseBedLock as releaseLock } from '../../scripts/cluster/lock.ts';
import { run, type RunResult } from '../../scripts/cluster/system.ts';
import { bringUp } from '../../scripts/cluster/up.ts';

/**
 * The test bed (`npm run cluster`, docs/test-bed.md) for end-to-end tests, benchmarks and chaos scenarios that
 * cross machines: N hosts, each a network namespace with its own Docker engine and `capstan node`, host 0 also
 * running Redis and `capstan server`. Tests drive it as a user would: the CLI from this machine, commands on the
 * hosts.
 */
export interface TestBed {
  readonly state: BedState;
  /** True when a healthy bed was already up and this one is reused (it is then left up at the end). */
  readonly reused: boolean;
  host(index: number): HostLayout;
  /** `capstan ARGS` from the root namespace with the bed's client config; resolves with the exit code, never throws on one. */
  capstan(args: string[], options?: { timeoutMs?: number }): Promise<RunResult>;
  /** Like `capstan`, but fails with the command's output on a non-zero exit; resolves with stdout. */
  capstanOk(args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /** CMD in host `index`'s network namespace, DOCKER_HOST at its engine; resolves with the exit code and output. */
  exec(index: number, command: string[], options?: { timeoutMs?: number }): Promise<RunResult>;
  /** Tears the bed down unless it was reused (or CAPSTAN_BED_KEEP=1); safe to call after a failed start. */
  release(): Promise<TeardownReport | undefined>;
}

export interface TestBedOptions {
  nodes?: number;
  /** More `capstan node` flags (UpOptions.nodeArgs); a bed that is up is reused only with the same ones. */
  nodeArgs?: string[];
}

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CAPSTAN_CONFIG: CLIENT_CONFIG, NODE_EXTRA_CA_CERTS: CA_FILE };
  delete env.CAPSTAN_SERVER;
  delete env.CAPSTAN_TOKEN;
  return env;
}

/**
 * Brings a bed of `nodes` hosts up, or reuses one that is up, healthy and at least that large. A half-made or
 * unhealthy bed (leftovers of a crash) is torn down first. Call `release()` in afterAll.
 */
export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed> {
  const nodes = options.nodes ?? 3;
  await acquireLock();
  const existing = await readState();
  let state: BedState;
  let reused = false;
  if (
    existing &&
    existing.phase === 'up' &&
    existing.nodes >= nodes &&
    existing.repoRoot === REPO_ROOT &&
    (existing.nodeArgs ?? []).join(' ') === (options.nodeArgs ?? []).join(' ') &&
    (await bedStatus(() => undefined)).up
  ) {
    state = existing;
    reused = true;
  } else {
    try {
      state = await bringUp({ nodes, replace: true, ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) });
    } catch (err) {
      if (process.env.CAPSTAN_BED_KEEP !== '1') await teardown();
      await releaseLock();
      throw err;
    }
  }
  const capstan = (args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> =>
    run(`capstan ${args.join(' ')}`, process.execPath, [CAPSTAN_BIN, ...args], {
      env: cliEnv(),
      cwd: REPO_ROOT,
      timeoutMs: opts.timeoutMs ?? 60_000,
      allowFailure: true,
    });
  return {
    state,
    reused,
    host: hostLayout,
    capstan,
    async capstanOk(args, opts) {
      const result = await capstan(args, opts);
      if (result.code !== 0) {
        throw new Error(`capstan ${args.join(' ')} exited with ${result.code}: ${result.stderr}${result.stdout}`);
      }
      return result.stdout;
    },
    exec(index, command, opts = {}) {
      const host = hostLayout(index);
      return run(
        `on ${host.name}: ${command.join(' ')}`,
        'nsenter',
        [`--net=${netnsPath(host.netns)}`, '--', ...command],
        {
          env: { ...process.env, DOCKER_HOST: host.dockerHost },
          timeoutMs: opts.timeoutMs ?? 30_000,
          allowFailure: true,
        },
      );
    },
    async release() {
      try {
        if (reused || process.env.CAPSTAN_BED_KEEP === '1') return undefined;
        return await teardown();
      } finally {
        await releaseLock();
      }
    },
  };
}
