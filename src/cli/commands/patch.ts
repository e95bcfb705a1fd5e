import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { isCapstanClientError } from '../../sdk/browser.ts';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import { editInput, identityChanges, sameInput } from '../edit-file.ts';
import { KIND_INFO, kindNames, notFound, parseResourceArgs, type CliKind } from '../kinds.ts';
import { applyPatch, PATCH_TYPES, type PatchType } from '../patch.ts';
import { qualifiedName } from '../printers.ts';
import { KIND_API } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';
import { dryRunOption, dryRunSuffix } from './label.ts';

interface PatchFlags {
  patch?: string;
  patchFile?: string;
  type: PatchType;
  dryRun?: string;
}

/** How often a patch is re-read and applied again when the object changed between the read and the write. */
const ATTEMPTS = 5;

async function parsePatch(flags: PatchFlags): Promise<unknown> {
  if ((flags.patch === undefined) === (flags.patchFile === undefined)) {
    throw new CliError('give the patch with -p PATCH or --patch-file FILE (one of them)');
  }
  let text = flags.patch;
  if (flags.patchFile !== undefined) {
    try {
      text = await readFile(flags.patchFile, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${flags.patchFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  const { parse } = await import('../yaml-lib.ts');
  try {
    // JSON is YAML: kubectl takes either.
    return parse(text!) as unknown;
  } catch (err) {
    throw new CliError(`the patch is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Reads the object, applies the patch and writes it back conditioned on the version read; re-reads on a conflict. */
async function patchObject(
  session: Session,
  kind: CliKind,
  name: string,
  type: PatchType,
  patch: unknown,
  dryRun: boolean,
): Promise<boolean> {
  const client = session.api();
  const shapes = capstanShapes();
  const resource = KIND_INFO[kind].resource;
  for (let attempt = 1; ; attempt++) {
    const object = await KIND_API[kind].get(client, session.settings.namespace, name);
    if (!object) throw notFound(kind, name);
    const original = shapes.toManifest(object);
    const patched = applyPatch(kind, type, original, patch);
    const changes = identityChanges(original, patched);
    if (changes.length > 0) throw new CliError(`${resource} "${name}": ${changes.join('; ')}`);
    if (JSON.stringify(patched.status) !== JSON.stringify(original.status)) {
      throw new CliError(
        `${resource} "${name}": status is not patchable (the cluster writes it); patch spec or metadata`,
      );
    }
    const input = editInput(shapes, kind, original, patched);
    if (sameInput(input, editInput(shapes, kind, original, original))) return false;
    try {
      await KIND_API[kind].update(client, input, object.metadata.resourceVersion, dryRun);
      return true;
    } catch (err) {
      // Someone wrote the object between the read and the write: apply the patch to what is there now.
      if (!isCapstanClientError(err, 'CONFLICT') || attempt === ATTEMPTS) throw err;
    }
  }
}

export function registerPatchCommand(program: Command, io: CliIo): void {
  program
    .command('patch')
    .description('Change fields of an object with a strategic merge, JSON merge (RFC 7386) or JSON (RFC 6902) patch')
    .argument('<type>', `kind, or KIND/NAME: ${kindNames().join(', ')}`)
    .argument('[name]', 'name of the object')
    .option('-p, --patch <patch>', 'the patch, as JSON or YAML')
    .option('--patch-file <file>', 'read the patch from a file instead')
    .addOption(
      new Option('--type <type>', 'strategic, merge (RFC 7386) or json (RFC 6902)')
        .choices([...PATCH_TYPES])
        .default('strategic'),
    )
    .addOption(dryRunOption('show the result without changing anything'))
    .addHelpText(
      'after',
      `
The object is read, patched and written back only if nobody changed it meanwhile (else it is read and patched
again). Status is not patchable. Patches apply to the object as "get -o json" prints it.

  merge      RFC 7386: objects merge key by key, null removes a key, lists are replaced whole.
  json       RFC 6902: a list of add, remove, replace, move, copy and test operations; a failed test or a
             path that is not there fails the whole patch, and nothing is written.
  strategic  (the default) a merge patch, except for these lists, which merge item by item by a key as
             Kubernetes' strategic merge patch does: containers, initContainers and volumes (by name), a
             container's env (by name), ports (by containerPort) and volumeMounts (by mountPath), and a
             Service's spec.ports (by port). An item with a new key is added, one with a known key is merged
             into it, and "$patch: delete" in an item removes it. Other lists (args, command, tolerations...)
             are replaced whole; other $-directives are refused.

Examples:
  capstan patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"capstan/hello:2"}]}}}}'
  capstan patch deploy/web -p '{"spec":{"replicas":3}}' --dry-run=server
  capstan patch svc web --type merge -p '{"metadata":{"labels":{"tier":"front","old":null}}}'
  capstan patch pod web-1 --type json -p '[{"op":"test","path":"/spec/nodeName","value":"node-1"},
    {"op":"add","path":"/metadata/labels/checked","value":"yes"}]'`,
    )
    .action(
      withSession(io, async (session, type: string, name: string | undefined, flags: PatchFlags) => {
        const refs = parseResourceArgs(name === undefined ? [type] : [type, name]);
        const [ref] = refs;
        if (refs.length !== 1 || ref?.name === undefined) {
          throw new CliError('patch takes one object: TYPE NAME or TYPE/NAME (e.g. "capstan patch deploy web -p ...")');
        }
        const patch = await parsePatch(flags);
        const dryRun = flags.dryRun === 'server' || flags.dryRun === 'client';
        const changed = await patchObject(session, ref.kind, ref.name, flags.type, patch, dryRun);
        session.out(
          `${qualifiedName(ref.kind, ref.name)} patched${changed ? '' : ' (no change)'}${dryRunSuffix(flags.dryRun)}`,
        );
      }),
    );
}
