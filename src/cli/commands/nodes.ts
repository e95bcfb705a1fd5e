import { Option, type Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { withSession, type CliIo } from '../session.ts';
import { integerOption, serverDryRunOption } from '../options.ts';
import { parseDuration } from '../wait.ts';
import { humanDuration } from '../../resolvers/pod-columns.ts';
import { renderTable } from '../table.ts';

type TokenRow = sdk.ListTokensQuery['tokens'][number];

/** kubeadm's `token list` columns; the TOKEN column shows the id: the secret is shown once, when it is made. */
function tokenTable(tokens: readonly TokenRow[], now = Date.now()): string {
  const rows = tokens.map((t) => {
    const expires = t.expiresAt ? Date.parse(t.expiresAt) : undefined;
    const ttl = expires === undefined ? '<forever>' : expires <= now ? '<expired>' : humanDuration(expires - now);
    const groups = [
      `capstan:${t.role}`,
      ...(t.nodeName ? [`node:${t.nodeName}`] : []),
      ...(t.maxUses != null ? [`uses:${t.uses ?? 0}/${t.maxUses}`] : []),
    ];
    return [
      t.name,
      ttl,
      t.expiresAt ?? '<never>',
      t.signing ? 'authentication,signing' : 'authentication',
      t.description || '<none>',
      groups.join(','),
    ];
  });
  return renderTable(['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'], rows);
}

function nodeName(arg: string): string {
  return arg.replace(/^(no|node|nodes)\//, '');
}

export function registerNodeCommands(program: Command, io: CliIo): void {
  for (const [verb, document, description] of [
    ['cordon', sdk.CordonDocument, 'Mark a node unschedulable; its running pods stay'],
    ['uncordon', sdk.UncordonDocument, 'Mark a node schedulable again'],
  ] as const) {
    program
      .command(verb)
      .description(description)
      .argument('<node>', 'node name')
      .addOption(serverDryRunOption('validate on the server, change nothing'))
      .addHelpText('after', `\nExamples:\n  capstan ${verb} node-1`)
      .action(
        withSession(io, async (session, node: string, flags: { dryRun?: boolean }) => {
          const name = nodeName(node);
          // Both documents take the same variables; the union of their types is more than TypeScript can call.
          await session.api().request(document as typeof sdk.CordonDocument, { name, dryRun: flags.dryRun ?? false });
          session.out(`node/${name} ${verb}ed${flags.dryRun ? ' (server dry run)' : ''}`);
        }),
      );
  }

  program
    .command('drain')
    .description('Cordon a node and delete its pods so that their controllers recreate them elsewhere')
    .argument('<node>', 'node name')
    .option('--force', 'also delete pods no controller manages (they are gone for good)')
    .addOption(serverDryRunOption('validate on the server, change nothing'))
    .addHelpText('after', '\nExamples:\n  capstan drain node-1\n  capstan drain node-1 --force')
    .action(
      withSession(io, async (session, node: string, flags: { force?: boolean; dryRun?: boolean }) => {
        const name = nodeName(node);
        const suffix = flags.dryRun ? ' (server dry run)' : '';
        const { drain } = await session.api().request(sdk.DrainDocument, {
          name,
          force: flags.force ?? false,
          dryRun: flags.dryRun ?? false,
        });
        session.out(`node/${name} cordoned${suffix}`);
        for (const pod of drain.deletedPods) {
          session.out(`pod/${pod.metadata.name} evicted (namespace ${pod.metadata.namespace ?? 'default'})${suffix}`);
        }
        session.out(`node/${name} drained${suffix}`);
      }),
    );

  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Create a token: by default a bootstrap token for "capstan node --token" (admin only)')
    .addOption(
      new Option('--role <role>', 'what the token may do')
        .choices(['bootstrap', 'admin', 'viewer', 'node'])
        .default('bootstrap'),
    )
    .option('--ttl <duration>', 'lifetime, e.g. 24h or 30m (default: the server default)')
    .option('--description <text>', 'what the token is for')
    .option(
      '--uses <n>',
      'bootstrap: how many nodes the token may join (default: any number)',
      integerOption('--uses', 1, 1_000_000),
    )
    .option(
      '--node-name <name>',
      'role node: the node this credential acts as; an admin approving a node name that is taken (a re-join)',
    )
    .option('--print-join-command', 'print the "capstan node" command that joins a node with this token')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan token create\n  capstan token create --ttl 1h --uses 3 --print-join-command\n' +
        '  capstan token create --role viewer --description dashboard\n  capstan token create --role node --node-name node-2',
    )
    .action(
      withSession(
        io,
        async (
          session,
          flags: {
            role: sdk.TokenRole;
            ttl?: string;
            description?: string;
            uses?: number;
            nodeName?: string;
            printJoinCommand?: boolean;
          },
        ) => {
          const ttlSeconds = flags.ttl === undefined ? undefined : Math.round(parseDuration(flags.ttl) / 1000);
          const { createToken } = await session.api().request(sdk.CreateTokenDocument, {
            role: flags.role,
            ttlSeconds,
            description: flags.description,
            nodeName: flags.nodeName,
            maxUses: flags.uses,
          });
          if (flags.printJoinCommand) {
            const { clusterInfo } = await session.api().request(sdk.ClusterInfoDocument, {});
            if (clusterInfo.apiServer && clusterInfo.caCertHash) {
              session.out(
                `capstan node --server ${clusterInfo.apiServer} --token ${createToken.token} --discovery-token-ca-cert-hash ${clusterInfo.caCertHash}`,
              );
            } else {
              // A server on loopback only: nodes on this machine join it over plain HTTP.
              session.out(`capstan node --server ${session.settings.server} --token ${createToken.token}`);
            }
          } else {
            session.out(createToken.token);
          }
        },
      ),
    );

  token
    .command('list')
    .description('List the API tokens with their lifetime and use (admin only); secrets are never shown again')
    .addOption(
      new Option('--role <role>', 'only tokens of this role').choices(['bootstrap', 'admin', 'viewer', 'node']),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExamples:\n  capstan token list\n  capstan token list --role bootstrap -o json')
    .action(
      withSession(io, async (session, flags: { role?: sdk.TokenRole; output: string }) => {
        const { tokens } = await session.api().request(sdk.ListTokensDocument, { role: flags.role });
        if (flags.output === 'json') session.out(JSON.stringify(tokens, null, 2));
        else if (tokens.length === 0) session.out('No tokens.');
        else session.out(tokenTable(tokens));
      }),
    );

  token
    .command('delete')
    .description('Revoke tokens by id or whole token (admin only): refused at once, open sessions closed')
    .argument('<token...>', 'token ids (abcdef) or whole tokens (abcdef.0123456789abcdef)')
    .addHelpText('after', '\nExamples:\n  capstan token delete abcdef\n  capstan token delete abcdef.0123456789abcdef')
    .action(
      withSession(io, async (session, ids: string[]) => {
        for (const id of ids) {
          const { deleteToken } = await session.api().request(sdk.DeleteTokenDocument, { name: id });
          session.out(`${deleteToken.role} token "${deleteToken.name}" deleted`);
        }
      }),
    );
}
