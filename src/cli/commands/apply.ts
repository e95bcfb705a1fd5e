import type { Command } from 'commander';
import * as sdk from '../../sdk/browser.ts';
import { CapstanClientError } from '../../sdk/browser.ts';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import { waitForDeletion, type DeletedTarget } from '../delete-wait.ts';
import { FORCE_WARNING, gracePeriodOf, type GraceFlags } from '../delete-grace.ts';
import { KIND_INFO, lookupKind, notFound, notFoundLine, parseResourceArgs, type CliKind } from '../kinds.ts';
import { parseManifestSource, readManifestSources, type ManifestObject } from '../manifest-files.ts';
import { collect, integerOption, serverDryRunOption } from '../options.ts';
import { KIND_API } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { parseDuration, readiness, waitUntil } from '../wait.ts';
import { createFromArguments, type GeneratorFlags } from './create-generators.ts';
import { listArgs, parseBooleanFlag } from './get.ts';

interface FileFlags {
  filename?: string[];
  recursive?: boolean;
  dryRun?: boolean;
}

function fileOptions(command: Command, verb: string): Command {
  return command
    .option('-f, --filename <path>', `file, folder or - (stdin) to ${verb}; repeatable`, collect)
    .option('-R, --recursive', 'read folders given with -f recursively')
    .addOption(serverDryRunOption('validate on the server and report, but change nothing'));
}

/** Re-raises a server error with the file it came from in front. */
function inSource(source: string, err: unknown): unknown {
  if (err instanceof CapstanClientError && err.code !== 'UNREACHABLE' && err.code !== 'UNAUTHENTICATED') {
    return new CliError(`${source}: ${err.message}`, { cause: err });
  }
  return err;
}

async function readObjects(session: Session, flags: FileFlags) {
  const sources = await readManifestSources(flags.filename ?? [], {
    recursive: flags.recursive,
    stdin: session.io.stdin,
  });
  const objects = sources.flatMap((s) => parseManifestSource(s));
  if (objects.length === 0) throw new CliError('no objects passed to the command (the files hold no documents)');
  return { sources, objects };
}

function kindOf(object: ManifestObject): CliKind {
  const kind = lookupKind(object.kind);
  if (!kind) throw new CliError(`${object.source}:${object.line}: kind "${object.kind}" is not supported`);
  return kind;
}

function namespaceOf(session: Session, kind: CliKind, object: ManifestObject): string | undefined {
  return KIND_INFO[kind].namespaced ? (object.namespace ?? session.settings.namespace) : undefined;
}

async function applyCommand(session: Session, flags: FileFlags & { wait?: boolean; timeout: string }) {
  const timeoutMs = parseDuration(flags.timeout);
  const { sources } = await readObjects(session, flags);
  const suffix = flags.dryRun ? ' (server dry run)' : '';
  const toWait: { kind: CliKind; namespace?: string; name: string }[] = [];
  for (const source of sources) {
    if (parseManifestSource(source).length === 0) continue;
    let results: sdk.ApplyMutation['apply'];
    try {
      ({ apply: results } = await session.api().request(sdk.ApplyDocument, {
        manifest: source.text,
        namespace: session.settings.namespace,
        dryRun: flags.dryRun ?? false,
      }));
    } catch (err) {
      throw inSource(source.name, err);
    }
    for (const result of results) {
      const kind = lookupKind(result.kind);
      const resource = kind ? KIND_INFO[kind].resource : result.kind.toLowerCase();
      session.out(`${resource}/${result.name} ${result.action.toLowerCase()}${suffix}`);
      if (kind) toWait.push({ kind, ...(result.namespace ? { namespace: result.namespace } : {}), name: result.name });
    }
  }
  if (flags.wait && !flags.dryRun) {
    for (const ref of toWait) await waitUntil(session, ref, (o) => readiness(ref.kind, o), timeoutMs);
  }
}

async function createCommand(session: Session, flags: FileFlags) {
  const { objects } = await readObjects(session, flags);
  // Namespaces first, so that objects in a namespace created by the same files find it.
  const ordered = [...objects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
  const suffix = flags.dryRun ? ' (server dry run)' : '';
  for (const object of ordered) {
    const kind = kindOf(object);
    const { create } = KIND_API[kind];
    if (!create) throw new CliError(`${object.source}:${object.line}: ${object.kind} objects cannot be created`);
    const input = capstanShapes().manifestToInput(kind, object.object);
    const namespace = namespaceOf(session, kind, object);
    if (namespace) input.metadata = { ...(input.metadata as object), namespace };
    try {
      await create(session.api(), input, flags.dryRun ?? false);
    } catch (err) {
      throw inSource(`${object.source}:${object.line}`, err);
    }
    session.out(`${KIND_INFO[kind].resource}/${object.name} created${suffix}`);
  }
}

interface DeleteFlags extends FileFlags, GraceFlags {
  selector?: string;
  all?: boolean;
  cascade: string;
  ignoreNotFound?: boolean;
  wait?: string | boolean;
  timeout: string;
}

const CASCADE: Record<string, sdk.PropagationPolicy> = {
  background: 'Background',
  foreground: 'Foreground',
  orphan: 'Orphan',
  true: 'Background',
  false: 'Orphan',
};

async function deleteCommand(session: Session, args: string[], flags: DeleteFlags) {
  const propagationPolicy = CASCADE[flags.cascade];
  if (!propagationPolicy)
    throw new CliError(`--cascade must be background, foreground or orphan, got "${flags.cascade}"`);
  const gracePeriodSeconds = gracePeriodOf(flags);
  const wait = parseBooleanFlag('--wait', flags.wait) ?? true;
  const timeoutMs = parseDuration(flags.timeout);
  const targets: DeletedTarget[] = [];
  const deleted: DeletedTarget[] = [];
  const missing: DeletedTarget[] = [];
  if (flags.filename?.length) {
    if (args.length > 0) throw new CliError('give either -f or KIND NAME, not both');
    const { objects } = await readObjects(session, flags);
    for (const object of objects) {
      const kind = kindOf(object);
      targets.push({ kind, namespace: namespaceOf(session, kind, object) ?? '', name: object.name });
    }
  } else {
    const refs = parseResourceArgs(args);
    for (const ref of refs) {
      if (ref.name !== undefined) {
        if (flags.selector || flags.all) throw new CliError('names cannot be combined with --selector or --all');
        targets.push({ kind: ref.kind, namespace: session.settings.namespace, name: ref.name });
        continue;
      }
      if (!flags.selector && !flags.all) {
        throw new CliError(
          `give names, --selector or --all to say which ${KIND_INFO[ref.kind].resource} objects to delete`,
        );
      }
      const list = await KIND_API[ref.kind].list(session.api(), listArgs(session, ref.kind, flags));
      for (const item of list.items) {
        targets.push({ kind: ref.kind, namespace: item.metadata.namespace ?? '', name: item.metadata.name });
      }
    }
    if (targets.length === 0) {
      session.err(`No resources found in ${session.settings.namespace} namespace.`);
      return;
    }
  }
  const suffix = flags.dryRun ? ' (server dry run)' : '';
  if (gracePeriodSeconds === 0) session.err(FORCE_WARNING);
  const verb = gracePeriodSeconds === 0 ? 'force deleted' : 'deleted';
  for (const target of targets) {
    try {
      await KIND_API[target.kind].remove(session.api(), target.namespace, target.name, {
        propagationPolicy,
        dryRun: flags.dryRun ?? false,
        ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
      });
      // A namespace is only marked: the namespace controller empties it, then it goes (kubectl get ns: Terminating).
      const terminating =
        target.kind === 'Namespace' && !flags.dryRun ? ' (Terminating until its objects are gone)' : '';
      session.out(`${KIND_INFO[target.kind].resource} "${target.name}" ${verb}${suffix}${terminating}`);
      deleted.push(target);
    } catch (err) {
      if (!(err instanceof CapstanClientError && err.code === 'NOT_FOUND')) throw err;
      // As kubectl: a missing name does not stop the others; it is a NotFound line, and the command fails at the end.
      if (!flags.ignoreNotFound) missing.push(target);
    }
  }
  // As kubectl's --wait=true: the command returns when the objects are gone (pods after their grace period).
  if (wait && !flags.dryRun && deleted.length > 0) await waitForDeletion(session, deleted, timeoutMs);
  if (missing.length > 0) {
    for (const m of missing.slice(0, -1)) session.err(notFoundLine(m.kind, m.name));
    throw notFound(missing.at(-1)!.kind, missing.at(-1)!.name);
  }
}

export function registerApplyCommands(program: Command, io: CliIo): void {
  fileOptions(
    program
      .command('apply')
      .description('Create or update objects from Kubernetes YAML (files, folders or stdin; multi-document)'),
    'apply',
  )
    .option('--wait', 'wait until the applied workloads and pods are ready, showing progress')
    .option('--timeout <duration>', 'how long --wait waits', '5m')
    .addHelpText(
      'after',
      `
Examples:
  capstan apply -f examples/hello-deployment.yaml
  capstan apply -f examples/ --wait
  cat app.yaml | capstan apply -f -
  capstan apply -f app.yaml --dry-run`,
    )
    .action(
      withSession(io, (session, flags: FileFlags & { wait?: boolean; timeout: string }) =>
        applyCommand(session, flags),
      ),
    );

  fileOptions(
    program
      .command('create')
      .description('Create objects from Kubernetes YAML, or a namespace or deployment by name; fails if one exists')
      .argument(
        '[args...]',
        'namespace NAME, deployment NAME --image=IMAGE [-- COMMAND ARGS...], configmap NAME, secret generic|docker-registry|tls NAME',
      ),
    'create',
  )
    .option('--image <image>', 'create deployment: the image of its one container')
    .option('--replicas <n>', 'create deployment: replicas (default 1)', integerOption('--replicas', 0))
    .option('--port <port>', 'create deployment: the container port', integerOption('--port', 1, 65_535))
    .option('--from-literal <key=value>', 'create configmap|secret generic: one key; repeatable', collect)
    .option('--from-file <[key=]path>', 'create configmap|secret generic: a file (or each file of a folder)', collect)
    .option('--from-env-file <path>', 'create configmap|secret generic: KEY=VALUE lines of a file', collect)
    .option('--type <type>', 'create secret generic: the Secret type (default Opaque)')
    .option('--docker-server <url>', 'create secret docker-registry: the registry (default Docker Hub)')
    .option('--docker-username <name>', 'create secret docker-registry: user name')
    .option('--docker-password <password>', 'create secret docker-registry: password')
    .option('--docker-email <email>', 'create secret docker-registry: e-mail (optional)')
    .option('--cert <path>', 'create secret tls: PEM certificate (chain)')
    .option('--key <path>', 'create secret tls: PEM private key')
    .addHelpText(
      'after',
      `
Examples:
  capstan create -f examples/multi-tier.yaml
  capstan create -f - < pod.yaml
  capstan create namespace shop
  capstan create deployment web --image=capstan/hello --replicas=2 --port=80
  capstan create deployment ticker --image=capstan/busybox -- sh -c 'while true; do date; sleep 5; done'
  capstan create configmap web-config --from-literal=BACKEND=backend:80 --from-file=nginx.conf
  capstan create secret generic db --from-literal=password=s3cret
  capstan create secret docker-registry regcred --docker-server=127.0.0.1:5000 --docker-username=u --docker-password=p
  capstan create secret tls web-tls --cert=tls.crt --key=tls.key`,
    )
    .action(
      withSession(io, (session, args: string[], flags: FileFlags & GeneratorFlags) => {
        if (args.length === 0) return createCommand(session, flags);
        if (flags.filename) throw new CliError('create takes either -f FILE or TYPE NAME, not both');
        return createFromArguments(session, args, flags);
      }),
    );

  fileOptions(
    program
      .command('delete')
      .description('Delete objects by kind and name, by label selector, or as named in YAML files')
      .argument('[args...]', 'KIND NAME..., KIND/NAME..., or KIND with --selector/--all'),
    'delete',
  )
    .option('-l, --selector <selector>', 'delete the objects of KIND matching this label selector')
    .option('--all', 'delete every object of KIND in the namespace')
    .option('--cascade <policy>', 'what happens to dependents: background, foreground or orphan', 'background')
    .option('--ignore-not-found', 'treat a missing object as deleted')
    .option(
      '--grace-period <seconds>',
      'seconds pods get to shut down (default: their own; 0 only with --force, else 1; negative: their own)',
      integerOption('--grace-period', Number.MIN_SAFE_INTEGER),
    )
    .option('--force', 'remove at once from the API without waiting for the containers to stop (grace period 0)')
    .option('--now', 'signal pods to shut down at once (the same as --grace-period=1)')
    .option(
      '--wait [bool]',
      'wait until the objects are gone (true, the default, as kubectl; pods show their grace period) or not (false)',
    )
    .option('--timeout <duration>', 'with --wait, how long to wait before failing (0: no limit)', '0s')
    .addHelpText(
      'after',
      `
Examples:
  capstan delete pod web-1
  capstan delete pod web-1 --grace-period=5
  capstan delete pod web-1 --force           # grace period 0: gone from the API at once
  capstan delete pod web-1 --wait=false      # return once the deletion is asked for, without waiting
  capstan delete deploy/web svc/web
  capstan delete pods -l app=web
  capstan delete -f examples/multi-tier.yaml
  capstan delete rc backend --cascade orphan`,
    )
    .action(withSession(io, (session, args: string[], flags: DeleteFlags) => deleteCommand(session, args, flags)));
}
