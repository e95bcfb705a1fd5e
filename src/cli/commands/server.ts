import type { Command } from 'commander';
import { CliError } from '../cli-error.ts';
import type { CliIo, GlobalOptions } from '../session.ts';
import { integerOption } from '../options.ts';
import { parseDuration } from '../wait.ts';
import type { CapstanConfig } from '../../app/config.ts';

interface NodeFlags {
  name?: string;
  address?: string;
  podSubnet?: string;
  clusterCidr?: string;
  logPort?: number;
  discoveryTokenCaCertHash?: string[];
  discoveryTokenUnsafeSkipCaVerification?: boolean;
  stateRoot?: string;
  credentialDir?: string;
  maxContainerRestartPeriod?: string;
}

interface ServerFlags {
  host?: string;
  port?: number;
  dnsPort?: number;
  redisUrl?: string;
  prefix?: string;
  nodeName?: string;
  nodeAddress?: string;
  securePort?: number;
  advertiseAddress?: string;
  eventTtl?: string;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function serverOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address the API listens on (default 127.0.0.1)')
    .option('-p, --port <port>', 'API port (default 7070)', integerOption('--port', 0, 65_535))
    .option('--dns-port <port>', 'port of the cluster DNS responder', integerOption('--dns-port', 0, 65_535))
    .option('--redis-url <url>', 'Redis holding the cluster state (default: REDIS_URL, redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', 'key prefix in Redis, so that several clusters can share one (default "capstan:")')
    .option(
      '--secure-port <port>',
      'TLS port of the API (default 6443 when --host is beyond loopback; plain HTTP then stays on 127.0.0.1)',
      integerOption('--secure-port', 0, 65_535),
    )
    .option('--advertise-address <address>', 'address nodes reach the API on (default --host, or the first address)')
    .option(
      '--event-ttl <duration>',
      'how long an Event is kept after it was last recorded, as kube-apiserver --event-ttl (default 1h; env CAPSTAN_EVENT_TTL_SECONDS)',
    );
}

/** The control plane's configuration from the flags of `up` and `server`. */
function serverConfig(flags: ServerFlags): Partial<CapstanConfig> {
  const { eventTtl, ...rest } = flags;
  const config: Partial<CapstanConfig> = definedOnly({ ...rest });
  if (eventTtl !== undefined) {
    const ms = parseDuration(eventTtl);
    if (!(ms >= 1_000 && ms <= 10 * 365 * 86_400_000)) {
      throw new CliError(`--event-ttl must be at least 1s (and at most ten years), not ${eventTtl}`);
    }
    config.eventTtlSeconds = Math.round(ms / 1000);
  }
  return config;
}

export function registerServerCommands(program: Command, io: CliIo): void {
  serverOptions(
    program
      .command('up')
      .description('Run the control plane and one local node in this process (the embedded default)'),
  )
    .option('--node-name <name>', 'name of the local node')
    .option('--node-address <address>', 'address the local node publishes NodePorts on')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan up\n  capstan up --port 7071 --redis-url redis://127.0.0.1:6380\n\n' +
        'On first start the admin credentials are written to ~/.capstan/config (or CAPSTAN_CONFIG).',
    )
    .action(async (flags: ServerFlags) => {
      // Imported on use: the other verbs start without loading the control plane.
      const { runUp } = await import('../../app/up.ts');
      await runUp(serverConfig(flags));
    });

  serverOptions(
    program
      .command('server')
      .description('Run the control plane only: API, controllers, scheduler and DNS responder; nodes join it'),
  )
    .addHelpText('after', '\nExamples:\n  capstan server --host 0.0.0.0 --port 7070')
    .action(async (flags: ServerFlags) => {
      const { runServer } = await import('../../app/up.ts');
      await runServer(serverConfig(flags));
    });

  program
    .command('node')
    .alias('join')
    .description(
      'Run a node agent that joins a cluster (use --server and --token, a bootstrap token from "capstan token create")',
    )
    .option('--name <name>', 'node name (default: the host name)')
    .option('--address <address>', 'address this node publishes NodePorts and pod traffic on')
    .option(
      '--pod-subnet <cidr>',
      'the podCIDR this node asks for (default: the control plane assigns a /24 of the cluster CIDR)',
    )
    .option('--cluster-cidr <cidr>', 'the cluster CIDR of all pods: not masqueraded (default 10.244.0.0/16)')
    .option(
      '--log-port <port>',
      'port on --address where the API server reads container logs (default 10250; 0 picks a free one)',
      integerOption('--log-port', 0, 65_535),
    )
    .option(
      '--discovery-token-ca-cert-hash <sha256:hex>',
      "for an https server: the cluster CA's public key hash to trust (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--discovery-token-unsafe-skip-ca-verification',
      'for an https server: trust the CA the server names without checking its hash (only the token then proves the server; anyone holding the token could pose as the cluster)',
    )
    .option(
      '--state-root <dir>',
      "host folder for the pods' state: resolv.conf, hosts, emptyDirs (default /var/lib/capstan)",
    )
    .option('--credential-dir <dir>', 'where the node keeps its credential after joining (default ~/.capstan)')
    .option(
      '--max-container-restart-period <duration>',
      "the kubelet's crashLoopBackOff.maxContainerRestartPeriod: longest wait before an exited container is restarted, 1s to 300s (default 300s; the wait starts at 10s, or this when lower, and doubles)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  capstan token create --print-join-command\n' +
        '  capstan node --server https://10.0.0.1:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:... --name node-2 --address 10.0.0.2\n' +
        '  capstan node --server http://127.0.0.1:7070 --token abcdef.0123456789abcdef --name node-2 --address 127.0.1.2',
    )
    .action(async (flags: NodeFlags, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const server = global.server ?? io.env.CAPSTAN_SERVER;
      const token = global.token ?? io.env.CAPSTAN_TOKEN;
      if (!server || !token) {
        throw new CliError(
          'capstan node needs --server URL and --token TOKEN (a bootstrap token from "capstan token create")',
        );
      }
      const maxContainerRestartPeriodMs =
        flags.maxContainerRestartPeriod === undefined ? undefined : parseDuration(flags.maxContainerRestartPeriod);
      if (
        maxContainerRestartPeriodMs !== undefined &&
        !(maxContainerRestartPeriodMs >= 1_000 && maxContainerRestartPeriodMs <= 300_000)
      ) {
        throw new CliError(
          `--max-container-restart-period must be between 1s and 300s, not ${flags.maxContainerRestartPeriod}`,
        );
      }
      const { runNode } = await import('../../app/run-node.ts');
      await runNode({
        server,
        token,
        ...definedOnly({
          name: flags.name,
          address: flags.address,
          podSubnet: flags.podSubnet,
          clusterCidr: flags.clusterCidr,
          logPort: flags.logPort,
          caCertHashes: flags.discoveryTokenCaCertHash,
          unsafeSkipCaVerification: flags.discoveryTokenUnsafeSkipCaVerification,
          stateRoot: flags.stateRoot,
          credentialDir: flags.credentialDir,
          maxContainerRestartPeriodMs,
        }),
      });
    });
}
