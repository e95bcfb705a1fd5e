import type { Command } from 'commander';
import { parseBytes, parseCpuMillis } from '../../api/quantity.ts';
import * as sdk from '../../sdk/browser.ts';
import { withSession, type CliIo } from '../session.ts';
import { renderTable } from '../table.ts';

/** kubectl's CPU column: millicores. */
function cpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** kubectl's MEMORY column: mebibytes. */
function memory(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))}Mi`;
}

function percent(used: number, of: number | undefined): string {
  return of && of > 0 ? `${Math.round((used / of) * 100)}%` : '<unknown>';
}

export function registerTopCommand(program: Command, io: CliIo): void {
  const top = program
    .command('top')
    .description('CPU and memory in use by pods or nodes, sampled from the container engine (as kubectl top)');

  top
    .command('pods')
    .alias('pod')
    .description("Pods' CPU (cores) and memory (bytes) in use; pods not sampled yet are left out")
    .option('-A, --all-namespaces', 'across all namespaces')
    .addHelpText('after', '\nExamples:\n  capstan top pods\n  capstan top pods -n kube-system\n  capstan top pods -A')
    .action(
      withSession(io, async (session, flags: { allNamespaces?: boolean }) => {
        const { pods } = await session
          .api()
          .request(
            sdk.TopPodsDocument,
            flags.allNamespaces ? { allNamespaces: true } : { namespace: session.settings.namespace },
          );
        const rows = pods.items
          .filter((p) => p.usage)
          .map((p) => [
            ...(flags.allNamespaces ? [p.metadata.namespace ?? ''] : []),
            p.metadata.name,
            cpu(p.usage!.cpuCores),
            memory(p.usage!.memoryBytes),
          ]);
        if (rows.length === 0) {
          session.out(pods.items.length ? 'error: metrics not available yet' : 'No resources found');
          return;
        }
        const headers = ['NAME', 'CPU(cores)', 'MEMORY(bytes)'];
        session.out(renderTable(flags.allNamespaces ? ['NAMESPACE', ...headers] : headers, rows));
      }),
    );

  top
    .command('nodes')
    .alias('node')
    .description("Nodes' CPU and memory in use by their pods, and as a share of what they offer")
    .addHelpText('after', '\nExamples:\n  capstan top nodes')
    .action(
      withSession(io, async (session) => {
        const { nodes } = await session.api().request(sdk.TopNodesDocument, {});
        const rows = nodes.items.map((n) => {
          const usage = n.usage;
          if (!usage) return [n.metadata.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>'];
          const alloc = n.status?.allocatable;
          return [
            n.metadata.name,
            cpu(usage.cpuCores),
            percent(usage.cpuCores * 1000, alloc?.cpu ? parseCpuMillis(alloc.cpu) : undefined),
            memory(usage.memoryBytes),
            percent(usage.memoryBytes, alloc?.memory ? parseBytes(alloc.memory) : undefined),
          ];
        });
        session.out(renderTable(['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%'], rows));
      }),
    );
}
