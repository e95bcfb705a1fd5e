import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isCapstanClientError, type CapstanClient, type CapstanClientError } from '../../sdk/browser.ts';
import { capstanShapes } from '../../sdk/object-shapes.ts';
import { CliError } from '../cli-error.ts';
import {
  editInput,
  editorArgv,
  editorCommand,
  hasContent,
  identityChanges,
  manualStrip,
  parseEdited,
  renderEditFile,
  sameContent,
  sameInput,
  type EditReason,
} from '../edit-file.ts';
import { KIND_INFO, kindNames, notFound, parseResourceArgs, type CliKind, type ResourceRef } from '../kinds.ts';
import { qualifiedName, renderStructured } from '../printers.ts';
import { KIND_API } from '../resources.ts';
import { withSession, type CliIo, type Session } from '../session.ts';

interface EditFlags {
  dryRun?: boolean | string;
}

function dryRunOf(value: boolean | string | undefined): boolean {
  if (value === undefined || value === false || value === 'none') return false;
  if (value === true || value === 'server') return true;
  throw new CliError(`--dry-run must be "server" or "none" (edit has no client-side dry run), got "${value}"`);
}

function singleRef(type: string, names: string[]): ResourceRef & { name: string } {
  const refs = parseResourceArgs([type, ...names]);
  const [ref] = refs;
  if (refs.length !== 1 || ref?.name === undefined) {
    throw new CliError('edit takes one object: TYPE NAME or TYPE/NAME (e.g. "capstan edit deploy web")');
  }
  return { kind: ref.kind, name: ref.name };
}

/** Runs the editor on `path` with the terminal inherited; Ctrl-C goes to the editor, not to capstan. */
async function launchEditor(env: NodeJS.ProcessEnv, path: string): Promise<void> {
  const editor = editorCommand(env);
  const [command, ...args] = editorArgv(editor, path) as [string, ...string[]];
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'inherit', env });
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(`exited with ${code === null ? 'a signal' : `code ${code}`}`);
  } catch (err) {
    throw new CliError(`there was a problem with the editor "${editor}": ${(err as Error).message}`);
  } finally {
    process.off('SIGINT', ignore);
  }
}

function invalidReason(head: string, err: CapstanClientError): EditReason {
  const details = err.fields.map((f) => `${f.field}: ${f.message}`);
  return { head, details: details.length > 0 ? details : [err.message] };
}

/** Sends the edited object as an update of the version that was edited: CONFLICT if it changed meanwhile. */
async function save(
  client: CapstanClient,
  kind: CliKind,
  input: Record<string, unknown>,
  expectedResourceVersion: string,
  dryRun: boolean,
): Promise<void> {
  await KIND_API[kind].update(client, input, expectedResourceVersion, dryRun);
}

async function edit(session: Session, ref: ResourceRef & { name: string }, dryRun: boolean): Promise<void> {
  const client = session.api();
  const { kind, name } = ref;
  const resource = KIND_INFO[kind].resource;
  const object = await KIND_API[kind].get(client, session.settings.namespace, name);
  if (!object) throw notFound(kind, name);
  const shapes = capstanShapes();
  const original = shapes.toManifest(object);
  const originalText = renderEditFile(`${await renderStructured([object], 'yaml', false)}\n`);
  const unchangedInput = editInput(shapes, kind, original, original);

  const file = join(tmpdir(), `capstan-edit-${randomBytes(6).toString('hex')}.yaml`);
  // Keeps the file and says where, for a failure that would otherwise lose the user's changes (kubectl's preservedFile).
  const preserved = (message: string): CliError => {
    session.err(`A copy of your changes has been stored to "${file}"`);
    return new CliError(message);
  };
  let content = originalText;
  /** What the user saved in the last pass when it failed; saving it again unchanged ends the loop. */
  let failed: string | undefined;
  for (;;) {
    await writeFile(file, content, { mode: 0o600 });
    try {
      await launchEditor(session.io.env, file);
    } catch (err) {
      if (failed !== undefined) throw preserved((err as Error).message);
      await rm(file, { force: true });
      throw err;
    }
    const edited = await readFile(file, 'utf8');
    if (failed !== undefined && sameContent(failed, edited)) {
      throw preserved('Edit cancelled, no valid changes were saved.');
    }
    if (sameContent(originalText, edited)) {
      await rm(file, { force: true });
      session.err('Edit cancelled, no changes made.');
      return;
    }
    if (!hasContent(edited)) {
      await rm(file, { force: true });
      session.err('Edit cancelled, saved file was empty.');
      return;
    }
    const reopen = (reason: EditReason) => {
      failed = edited;
      content = renderEditFile(manualStrip(edited), [reason]);
    };

    let manifest: Record<string, unknown>;
    try {
      manifest = parseEdited(edited);
    } catch (err) {
      reopen({ head: `The edited file had a syntax error: ${(err as Error).message}`, details: [] });
      continue;
    }
    const changes = identityChanges(original, manifest);
    if (changes.length > 0) throw preserved(`${resource} "${name}": ${changes.join('; ')}`);

    const input = editInput(shapes, kind, original, manifest);
    const done = qualifiedName(kind, name);
    if (sameInput(input, unchangedInput)) {
      await rm(file, { force: true });
      session.out(`${done} skipped`);
      return;
    }
    try {
      await save(client, kind, input, object.metadata.resourceVersion, dryRun);
    } catch (err) {
      if (isCapstanClientError(err, 'BAD_USER_INPUT')) {
        const reason = invalidReason(`${resource} "${name}" was not valid`, err);
        session.err(`error: ${resource} "${name}" is invalid: ${reason.details.join('; ')}`);
        reopen(reason);
        continue;
      }
      if (isCapstanClientError(err, 'NOT_FOUND')) {
        session.err(`The edits you made on deleted resources have been saved to "${file}"`);
        throw new CliError(`${resource} "${name}" could not be found on the server`);
      }
      throw preserved(`${resource} "${name}" could not be updated: ${(err as Error).message}`);
    }
    await rm(file, { force: true });
    session.out(`${done} edited${dryRun ? ' (server dry run)' : ''}`);
    return;
  }
}

export function registerEditCommand(program: Command, io: CliIo): void {
  program
    .command('edit')
    .description('Edit an object in your editor and save it back to the server, as kubectl edit does')
    .argument('<type>', `kind, or KIND/NAME: ${kindNames().join(', ')}`)
    .argument('[name]', 'name of the object')
    .option('--dry-run [strategy]', '"server": validate the edit on the server, but change nothing')
    .addHelpText(
      'after',
      `
The object is opened as YAML (as "get -o yaml" prints it) in CAPSTAN_EDITOR, KUBE_EDITOR, EDITOR or vi. Saving
writes it back, unless someone changed it meanwhile (then your copy is kept in a file). An invalid edit reopens
the editor with the errors at the top; saving it unchanged gives up. Status cannot be edited.

Examples:
  capstan edit deploy web
  capstan edit svc/web
  KUBE_EDITOR="code --wait" capstan edit node node-1`,
    )
    .action(
      withSession(io, async (session, type: string, name: string | undefined, flags: EditFlags) => {
        const ref = singleRef(type, name === undefined ? [] : [name]);
        await edit(session, ref, dryRunOf(flags.dryRun));
      }),
    );
}
