import type { Command } from 'commander';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import { pluralRef } from '../delete-wait.ts';
import { KIND_INFO, notFound, parseResourceArgs, type CliKind } from '../kinds.ts';
import { KIND_API } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { parseDuration } from '../wait.ts';
import { conditionMet, parseWaitFor, type WaitFor } from '../wait-for.ts';
import { listArgs } from './get.ts';

interface WaitFlags {
  for?: string;
  timeout: string;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
}

interface Target {
  kind: CliKind;
  namespace?: string;
  name: string;
}

/**
 * Follows one object through a watch until it meets `waitFor` (or, for delete, is gone: deleted, or replaced by
 * another object of the same name): `met`; `absent` for a delete of what was not there; `timeout`.
 */
async function waitForOne(
  session: Session,
  target: Target,
  waitFor: WaitFor,
  deadline: number,
): Promise<'met' | 'absent' | 'timeout'> {
  const stream = KIND_API[target.kind].watch(session.api(), {
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    fieldSelector: `metadata.name=${target.name}`,
  });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const stopAfter = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      void stream.close();
    }, ms);
  };
  // The current state is always read, also with --timeout=0 (check once), unless the server takes 10 s for it.
  stopAfter(Math.max(10_000, deadline - Date.now()));
  let uid: string | undefined;
  let listed = false;
  try {
    for await (const event of stream) {
      if (event.type === 'BOOKMARK') {
        if (uid === undefined && !listed) {
          if (waitFor.type === 'delete') return 'absent';
          throw notFound(target.kind, target.name);
        }
        if (!listed && Date.now() >= deadline) return 'timeout';
        if (!listed) stopAfter(deadline - Date.now());
        listed = true;
        continue;
      }
      const object = event.object;
      if (!object) continue;
      const gone = event.type === 'DELETED' || (uid !== undefined && object.metadata.uid !== uid);
      uid ??= object.metadata.uid ?? '';
      if (waitFor.type === 'delete') {
        if (gone) return 'met';
        continue;
      }
      if (event.type === 'DELETED') {
        throw new CliError(`${KIND_INFO[target.kind].resource}/${target.name} was deleted while waiting for it`);
      }
      if (conditionMet(waitFor, capstanShapes().toManifest(object))) return 'met';
    }
    if (timedOut) return 'timeout';
    throw new CliError(`the watch of ${KIND_INFO[target.kind].resource}/${target.name} ended before it was done`);
  } finally {
    clearTimeout(timer);
    await stream.close();
  }
}

async function targetsOf(session: Session, args: string[], flags: WaitFlags, waitFor: WaitFor): Promise<Target[]> {
  const refs = parseResourceArgs(args);
  const targets: Target[] = [];
  for (const ref of refs) {
    const namespace = KIND_INFO[ref.kind].namespaced ? session.settings.namespace : undefined;
    if (ref.name !== undefined) {
      if (flags.selector || flags.all) throw new CliError('names cannot be combined with --selector or --all');
      targets.push({ kind: ref.kind, ...(namespace !== undefined ? { namespace } : {}), name: ref.name });
      continue;
    }
    if (!flags.selector && !flags.all) {
      throw new CliError(`give names, --selector or --all to say which ${KIND_INFO[ref.kind].resource} to wait for`);
    }
    const list = await KIND_API[ref.kind].list(session.api(), listArgs(session, ref.kind, flags));
    for (const item of list.items) {
      const ns = item.metadata.namespace ?? undefined;
      targets.push({ kind: ref.kind, ...(ns ? { namespace: ns } : {}), name: item.metadata.name });
    }
  }
  // As kubectl: nothing to wait for is an error, except that what is already gone is deleted.
  if (targets.length === 0 && waitFor.type !== 'delete') throw new CliError('no matching resources found');
  return targets;
}

async function waitCommand(session: Session, args: string[], flags: WaitFlags): Promise<void> {
  if (!flags.for)
    throw new CliError('--for is required: --for=condition=NAME[=VALUE], --for=delete or --for=jsonpath=...');
  const waitFor = parseWaitFor(flags.for);
  const deadline = Date.now() + parseDuration(flags.timeout);
  const targets = await targetsOf(session, args, flags, waitFor);
  const results = await Promise.allSettled(
    targets.map(async (target) => {
      const result = await waitForOne(session, target, waitFor, deadline);
      // kubectl's words, for a deletion too.
      if (result === 'met') session.out(`${KIND_INFO[target.kind].resource}/${target.name} condition met`);
      return result;
    }),
  );
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected') throw result.reason;
    if (result.value === 'timeout')
      throw new CliError(`timed out waiting for the condition on ${pluralRef(targets[i]!.kind, targets[i]!.name)}`);
  }
}

export function registerWaitCommand(program: Command, io: CliIo): void {
  program
    .command('wait')
    .description('Wait until objects meet a condition, or are deleted')
    .argument('<args...>', 'KIND/NAME..., KIND NAME..., or KIND with --selector/--all')
    .option('--for <condition>', 'condition=NAME[=VALUE] (default True), delete, or jsonpath={PATH}[=VALUE]')
    .option('--timeout <duration>', 'how long to wait (e.g. 60s, 5m; 0: check once)', '30s')
    .option('-l, --selector <selector>', 'wait for the objects of KIND matching this label selector')
    .option('--all', 'wait for every object of KIND in the namespace')
    .option('-A, --all-namespaces', 'with --selector or --all: in every namespace')
    .addHelpText(
      'after',
      `
Examples:
  capstan wait --for=condition=Ready pod/web-1 --timeout=60s
  capstan wait --for=condition=Ready pods -l app=web
  capstan wait --for=condition=Available deployment/web
  capstan wait --for=jsonpath='{.status.phase}'=Succeeded pod/job-1
  capstan wait --for=delete pod/web-1 --timeout=60s`,
    )
    .action(withSession(io, (session, args: string[], flags: WaitFlags) => waitCommand(session, args, flags)));
}
