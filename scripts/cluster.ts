/**
 * `npm run cluster -- COMMAND`: the test bed, several hosts on this machine (docs/test-bed.md).
 *
 *   up [--nodes N] [--replace]   N hosts (default 3), each a network namespace with its own engine and node
 *   down                         removes everything the bed made, also after a crash or a half-finished up
 *   status                       hosts (namespace, engine, processes) and the cluster's Nodes
 *   exec HOST -- CMD...          runs CMD in HOST's namespace (h0, h1, ...) with DOCKER_HOST at its engine
 */
import { parseArgs } from 'node:util';
import { CA_FILE, CLIENT_CONFIG, parseHostName } from './cluster/layout.ts';
import { teardown } from './cluster/down.ts';
import { bedStatus, execOnHost } from './cluster/status.ts';
import { acquireBedLock, releaseBedLock } from './cluster/lock.ts';
import { bringUp } from './cluster/up.ts';

const USAGE = 'usage: npm run cluster -- up [--nodes N] [--replace] | down | status | exec HOST -- CMD...';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** `up` and `down` wait for a test, benchmark or chaos run that holds the bed instead of pulling it from under it. */
const waitingFor = (holder: number): void =>
  say(`The bed is in use by process ${holder} (a test, benchmark or chaos run); waiting for it (at most 15 min).`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up': {
      const { values } = parseArgs({
        args: rest,
        options: { nodes: { type: 'string', short: 'n' }, replace: { type: 'boolean' } },
      });
      const nodes = values.nodes === undefined ? 3 : Number(values.nodes);
      await acquireBedLock(15 * 60_000, waitingFor);
      const state = await bringUp({ nodes, replace: values.replace ?? false, say })
        .catch(async (err: unknown) => {
          say('up failed; "npm run cluster -- down" removes what it made.');
          throw err;
        })
        .finally(releaseBedLock);
      say(`The bed is up: ${state.nodes} hosts in ${state.upSeconds} s, API on ${state.server}.`);
      say('Point capstan at it with:');
      say(`  export CAPSTAN_CONFIG=${CLIENT_CONFIG} NODE_EXTRA_CA_CERTS=${CA_FILE}`);
      say('  capstan get nodes');
      return 0;
    }
    case 'down':
      await acquireBedLock(15 * 60_000, waitingFor);
      try {
        await teardown(say);
      } finally {
        await releaseBedLock();
      }
      return 0;
    case 'status':
      return (await bedStatus(say)).up ? 0 : 1;
    case 'exec': {
      const separator = rest.indexOf('--');
      const hostArg = rest[0];
      const host = hostArg === undefined ? undefined : parseHostName(hostArg);
      if (!host || separator !== 1) throw new Error(`exec needs a host (h0, h1, ...) and -- CMD\n${USAGE}`);
      return execOnHost(host, rest.slice(separator + 1));
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
