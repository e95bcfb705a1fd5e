import { Option, type Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { changeVerb, parseMetadataArgs } from '../change-args.ts';
import { CliError, errorLine } from '../cli-error.ts';
import { KIND_INFO, parseResourceArgs, type CliKind } from '../kinds.ts';
import { KIND_API } from '../resources.ts';
import type { Session } from '../session.ts';
import { withSession, type CliIo } from '../session.ts';

/** `--dry-run[=server|client|none]`: the bare flag means server, like the other verbs' `--dry-run`. */
export function dryRunOption(what: string): Option {
  return new Option('--dry-run [strategy]', `${what} (server or client; both write nothing)`)
    .choices(['server', 'client', 'none'])
    .preset('server');
}

/** The suffix kubectl prints after a result line of a dry run. */
export function dryRunSuffix(strategy: string | undefined): string {
  if (strategy === 'server') return ' (server dry run)';
  if (strategy === 'client') return ' (dry run)';
  return '';
}

interface ChangeFlags {
  overwrite?: boolean;
  dryRun?: string;
  selector?: string;
  all?: boolean;
}

/** The objects the resource arguments name, or select with `-l`/`--all`, in the session's namespace. */
async function targets(
  verb: string,
  session: Session,
  resources: string[],
  flags: ChangeFlags,
): Promise<{ kind: CliKind; name: string }[]> {
  const refs = parseResourceArgs(resources);
  const named = refs.filter((r) => r.name !== undefined);
  const selecting = flags.selector !== undefined || flags.all === true;
  if (selecting && named.length > 0) throw new CliError('give names, or -l/--all, not both');
  if (!selecting) {
    if (named.length !== refs.length) {
      throw new CliError('resource(s) were provided, but no name was specified: give names, -l SELECTOR or --all');
    }
    return named as { kind: CliKind; name: string }[];
  }
  const found: { kind: CliKind; name: string }[] = [];
  for (const { kind } of refs) {
    const { items } = await KIND_API[kind].list(session.api(), {
      ...(KIND_INFO[kind].namespaced ? { namespace: session.settings.namespace } : {}),
      ...(flags.selector ? { labelSelector: flags.selector } : {}),
    });
    for (const item of items) found.push({ kind, name: item.metadata.name }); // not push(...): long lists overflow
  }
  if (found.length === 0) throw new CliError(`no objects passed to ${verb}`);
  return found;
}

function registerChangeCommand(program: Command, io: CliIo, verb: 'label' | 'annotate'): void {
  const noun = verb === 'label' ? 'label' : 'annotation';
  program
    .command(verb)
    .description(
      verb === 'label'
        ? 'Add, change or remove labels of objects (nodes too: nodeSelector schedules by them)'
        : 'Add, change or remove annotations of objects',
    )
    .argument('<args...>', `KIND NAME... or KIND/NAME..., then KEY=VALUE to set a ${noun} and KEY- to remove one`)
    .option('--overwrite', `allow changing the value of an existing ${noun}`)
    .option('-l, --selector <selector>', 'every object of the kind matching this label selector')
    .option('--all', 'every object of the kind in the namespace')
    .addOption(dryRunOption('show the result without changing anything'))
    .addHelpText(
      'after',
      verb === 'label'
        ? `
Examples:
  capstan label pods web-1 tier=frontend
  capstan label pod/web-1 tier=backend --overwrite
  capstan label pods -l app=web canary-
  capstan label node node-1 disktype=ssd`
        : `
Examples:
  capstan annotate deployment web owner=team-a
  capstan annotate pods --all description='serves the shop' --overwrite
  capstan annotate svc/web owner-`,
    )
    .action(
      withSession(io, async (session, args: string[], flags: ChangeFlags) => {
        const { resources, set, remove } = parseMetadataArgs(args, noun);
        const dryRun = flags.dryRun === 'server' || flags.dryRun === 'client';
        const failures: unknown[] = [];
        for (const ref of await targets(verb, session, resources, flags)) {
          try {
            const variables: sdk.LabelMutationVariables = {
              kind: ref.kind as sdk.LabelableKind,
              namespace: session.settings.namespace,
              name: ref.name,
              set: Object.entries(set).map(([key, value]) => ({ key, value })),
              remove,
              overwrite: flags.overwrite ?? false,
              dryRun,
            };
            const result =
              verb === 'label'
                ? (await session.api().request(sdk.LabelDocument, variables)).label
                : (await session.api().request(sdk.AnnotateDocument, variables)).annotate;
            for (const key of result.notFound) session.out(`${noun} "${key}" not found.`);
            const said = changeVerb(verb, result.changed, Object.keys(set).length === 0);
            session.out(`${KIND_INFO[ref.kind].resource}/${ref.name} ${said}${dryRunSuffix(flags.dryRun)}`);
          } catch (err) {
            // Like kubectl, one object's failure does not stop the others; the command still fails.
            failures.push(err);
          }
        }
        if (failures.length === 1) throw failures[0];
        if (failures.length > 1) {
          throw new CliError(failures.map((err) => errorLine(err).replace(/^error: /, '')).join('; '));
        }
      }),
    );
}

export function registerLabelCommands(program: Command, io: CliIo): void {
  registerChangeCommand(program, io, 'label');
  registerChangeCommand(program, io, 'annotate');
}
