import { spawn } from 'node:child_process';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import * as sdk from '../../sdk/index.ts';
import { CliError } from '../cli-error.ts';
import { copyPlan, remoteParts } from '../cp-args.ts';
import { withSession, type CliIo } from '../session.ts';
import { openOrExplain, streamConnection } from './streams.ts';

/**
 * Unpacks a tar archive from stdin in the container (its `tar`, as kubectl cp needs): into DEST when that is a
 * folder, else as DEST itself, through a temporary folder beside it so a failed copy leaves nothing half-written.
 */
const UNPACK_IN_CONTAINER = [
  'dest=$1 name=$2',
  'if [ -d "$dest" ]; then exec tar xf - -C "$dest"; fi',
  'tmp=$(mktemp -d "$(dirname -- "$dest")/.capstan-cp.XXXXXX") || exit 1',
  'tar xf - -C "$tmp" && mv -f "$tmp/$name" "$dest"; s=$?; rm -rf "$tmp"; exit $s',
].join('\n');

/** Runs this machine's tar; resolves when it exited 0, else rejects with what it said. */
function localTar(args: string[], wire: (tar: { stdin: Writable; stdout: Readable }) => void): Promise<void> {
  const tar = spawn('tar', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let said = '';
  tar.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  tar.stdin.on('error', () => undefined);
  wire(tar);
  return new Promise((resolvePromise, reject) => {
    tar.once('error', (err) => reject(new CliError(`cannot run tar on this machine: ${err.message}`)));
    tar.once('close', (code) =>
      code === 0 ? resolvePromise() : reject(new CliError(`tar on this machine: ${said.trim() || `exit ${code}`}`)),
    );
  });
}

/** Collects a readable's text, at most 64 KiB. */
function text(readable: Readable): Promise<string> {
  let out = '';
  readable.on('data', (chunk: Buffer) => (out += out.length < 65_536 ? chunk.toString() : ''));
  return new Promise((r) => readable.once('end', () => r(out.trim())));
}

/** Fails with the container's words when its tar did not succeed. */
function checkRemote(status: sdk.StreamStatus, stderr: string, what: string): void {
  if (status.status === 'Success') return;
  if (status.exitCode !== undefined) {
    throw new CliError(`${what}: ${stderr || `tar in the container exited with ${status.exitCode}`}`);
  }
  throw new CliError(`${what}: ${status.code ?? 'UNAVAILABLE'}: ${status.message ?? 'the stream failed'}`);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function download(
  open: (command: string[], stdin: boolean) => Promise<sdk.ClientStream>,
  remotePath: string,
  local: string,
): Promise<void> {
  const { parent, name } = remoteParts(remotePath);
  const into = await isDirectory(local);
  const folder = into ? resolve(local) : dirname(resolve(local));
  if (!(await isDirectory(folder))) throw new CliError(`${folder}: no such folder on this machine`);
  // Unpacked beside the destination first: nothing appears under its name unless the whole copy arrived.
  const tmp = await mkdtemp(join(folder, '.capstan-cp-'));
  try {
    const stream = await open(['tar', 'cf', '-', '-C', parent, name], false);
    const stderr = text(stream.stderr);
    const unpacked = localTar(['xf', '-', '-C', tmp, '--no-same-owner'], (tar) => stream.stdout.pipe(tar.stdin));
    unpacked.catch(() => undefined);
    const status = await stream.done;
    checkRemote(status, await stderr, `cannot copy ${remotePath}`);
    await unpacked;
    const target = into ? join(folder, name) : resolve(local);
    await rm(target, { recursive: true, force: true }).catch(() => undefined);
    await rename(join(tmp, name), target);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function upload(
  open: (command: string[], stdin: boolean) => Promise<sdk.ClientStream>,
  local: string,
  remotePath: string,
): Promise<void> {
  const path = resolve(local);
  if (!(await stat(path).catch(() => undefined))) throw new CliError(`${local}: no such file or folder`);
  const { name } = remoteParts(remotePath);
  const stream = await open(['sh', '-c', UNPACK_IN_CONTAINER, 'capstan-cp', remotePath, basename(path)], true);
  const stderr = text(stream.stderr);
  stream.stdout.resume();
  let archive: Readable | undefined;
  const packed = localTar(['cf', '-', '-C', dirname(path), basename(path)], (tar) => {
    archive = tar.stdout;
    tar.stdout.pipe(stream.stdin);
  });
  packed.catch(() => undefined);
  const status = await stream.done;
  // The stream is over (the container's tar may stop before the archive's end, or fail at once): what this tar
  // still writes goes nowhere, so that it finishes instead of blocking on a full pipe nobody reads.
  archive?.unpipe();
  archive?.resume();
  await packed.catch((err: unknown) => {
    if (status.status === 'Success') throw err;
  });
  checkRemote(status, await stderr, `cannot copy to ${remotePath} (${name})`);
}

export function registerCpCommand(program: Command, io: CliIo): void {
  program
    .command('cp')
    .description('Copy files and folders between this machine and a container (tar over an exec stream)')
    .argument('<source>', 'a local path, or [NAMESPACE/]POD:PATH')
    .argument('<destination>', 'a local path, or [NAMESPACE/]POD:PATH')
    .option('-c, --container <name>', 'container (required when the pod has several)')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan cp web-7d4b9-x2x1:/var/log/app.log ./app.log\n  capstan cp ./conf web-7d4b9-x2x1:/etc/app\n' +
        '  capstan cp kube-system/dns-0:/data /tmp/dns-data\n\n' +
        'As kubectl cp: the container needs tar. Copying into an existing folder puts the file or folder inside it.',
    )
    .action(
      withSession(io, async (session, source: string, destination: string, flags: { container?: string }) => {
        const plan = copyPlan(source, destination);
        session.api();
        const namespace = plan.remote.namespace ?? session.settings.namespace;
        const open = (command: string[], stdin: boolean): Promise<sdk.ClientStream> =>
          openOrExplain(() =>
            sdk.openExecStream(streamConnection(session), {
              namespace,
              pod: plan.remote.pod,
              ...(flags.container ? { container: flags.container } : {}),
              command,
              stdin,
              tty: false,
            }),
          );
        if (plan.direction === 'download') await download(open, plan.remote.path, plan.local);
        else await upload(open, plan.local, plan.remote.path);
      }),
    );
}
