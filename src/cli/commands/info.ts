import type { Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { CAPSTAN_VERSION } from '../../util/version.ts';
import { KIND_INFO } from '../kinds.ts';
import { renderTable } from '../table.ts';
import { withSession, type CliIo } from '../session.ts';

/** The apiVersion of each kind, as Kubernetes serves it. */
const API_VERSIONS: Record<string, string> = { Deployment: 'apps/v1', Lease: 'coordination.k8s.io/v1' };

/** `capstan version`, `capstan cluster-info` and `capstan api-resources`, as kubectl's. */
export function registerInfoCommands(program: Command, io: CliIo): void {
  program
    .command('version')
    .description("Print the CLI's version and the server's")
    .option('--client', "only the CLI's version, without asking the server")
    .addHelpText('after', '\nExamples:\n  capstan version\n  capstan version --client')
    .action(
      withSession(io, async (session, flags: { client?: boolean }) => {
        session.out(`Client Version: ${CAPSTAN_VERSION}`);
        if (flags.client) return;
        const { clusterInfo } = await session.api().request(sdk.ClusterInfoDocument);
        session.out(`Server Version: ${clusterInfo.version}`);
      }),
    );

  program
    .command('cluster-info')
    .description(
      'Print where the API, the GraphiQL page, the dashboard and the cluster DNS are, and the address ranges',
    )
    .addHelpText('after', '\nExamples:\n  capstan cluster-info')
    .action(
      withSession(io, async (session) => {
        const { clusterInfo: info } = await session.api().request(sdk.ClusterInfoDocument);
        const base = session.settings.server.replace(/\/graphql\/?$/, '').replace(/\/$/, '');
        const lines = [
          `Capstan API (GraphQL and GraphiQL) is running at ${base}/graphql`,
          `Dashboard is running at ${base}/dashboard`,
        ];
        if (info.dns) {
          const zone = info.clusterDomain ? `, zone ${info.clusterDomain}` : '';
          const pods = info.dnsServiceIp ? `; pods query ${info.dnsServiceIp}:53` : '';
          lines.push(`Cluster DNS is running at ${info.dns} (UDP and TCP${zone}${pods})`);
        }
        if (info.serviceCidr) lines.push(`Service ClusterIPs come from ${info.serviceCidr}`);
        if (info.loadBalancerCidr) lines.push(`LoadBalancer addresses come from ${info.loadBalancerCidr}`);
        session.out(lines.join('\n'));
      }),
    );

  program
    .command('api-resources')
    .description('List the kinds of objects the API serves, with their short names')
    .option('--namespaced <bool>', 'only namespaced (true) or cluster-wide (false) kinds')
    .addHelpText('after', '\nExamples:\n  capstan api-resources\n  capstan api-resources --namespaced=false')
    .action((flags: { namespaced?: string }) => {
      const rows = Object.values(KIND_INFO)
        .filter((k) => flags.namespaced === undefined || String(k.namespaced) === flags.namespaced)
        .map((k) => [k, `${k.kind.toLowerCase()}${k.kind.endsWith('s') ? '' : 's'}`] as const)
        .map(([k, plural]) => [
          plural,
          // A group-qualified name (`deployments.apps`) is no short name.
          k.shortNames.find((n) => n !== plural && !n.includes('.')) ?? '',
          API_VERSIONS[k.kind] ?? 'v1',
          String(k.namespaced),
          k.kind,
        ]);
      io.stdout.write(`${renderTable(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], rows)}\n`);
    });
}
