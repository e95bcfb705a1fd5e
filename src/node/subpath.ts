import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, open, readFile, realpath, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CapstanError } from '../api/errors.ts';

/**
 * subPath mounts without CVE-2017-1002101. A container of the pod can replace any directory of a shared volume
 * with a symbolic link (to `/`, say); a bind mount of `<volume>/<subPath>` would then follow it and show the host
 * to the next container. So the subPath is opened one component at a time beneath the volume root, never following
 * a link (`O_NOFOLLOW` on each component, looked up relative to the previous one's descriptor through
 * `/proc/self/fd/N/<component>`, which is `openat(N, component)` — Node has no openat), and the descriptor so
 * reached is bind-mounted onto a path of Capstan's own (`/proc/<pid>/fd/N`, the way kubelet fixed it). Docker then
 * binds that mount, whose path has no component a container can change: the check and the mount see the same
 * inode, so there is no window to swap a link in between.
 */

const execFileAsync = promisify(execFile);
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_CREAT, O_EXCL, O_WRONLY } = constants;
/** Linux' O_PATH (x86-64 and arm64): a descriptor that names a file without opening it (sockets, devices too). */
const O_PATH = 0o10000000;
/** Directories the runtime creates for a subPath or hostPath: not world-writable, whatever the process' umask. */
export const SUBPATH_DIR_MODE = 0o755;
const FILE_MODE = 0o644;

function components(subPath: string): string[] {
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new CapstanError('INVALID', `subPath ${subPath}: must not contain '..'`);
  return parts;
}

function escape(subPath: string, component: string): CapstanError {
  return new CapstanError(
    'INVALID',
    `subPath ${subPath}: ${component} is a symbolic link or not a directory; a subPath must stay inside its volume`,
  );
}

/**
 * Opens `root/subPath` without following a symbolic link in any component of subPath. `create` makes what is
 * missing on the way, each beneath its parent's descriptor: directories (0755), and with `file` the last component
 * as an empty file (0644).
 */
export async function openBeneath(root: string, subPath: string, create: 'dir' | 'file' | 'none'): Promise<FileHandle> {
  const parts = components(subPath);
  let current = await open(root, O_PATH | O_DIRECTORY);
  try {
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      const path = `/proc/self/fd/${current.fd}/${part}`;
      const shown = parts.slice(0, i + 1).join('/');
      let next: FileHandle;
      try {
        next = await openComponent(path, last, create);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') throw escape(subPath, shown);
        if (code === 'ENOENT') throw new CapstanError('INVALID', `subPath ${subPath}: ${shown} does not exist`);
        throw err;
      }
      await current.close();
      current = next;
      // O_PATH with O_NOFOLLOW opens a link itself rather than failing: refuse it here.
      if ((await current.stat()).isSymbolicLink()) throw escape(subPath, shown);
    }
    return current;
  } catch (err) {
    await current.close().catch(() => undefined);
    throw err;
  }
}

/** One component beneath the descriptor in `path`, made first when missing and `create` says so. */
async function openComponent(path: string, last: boolean, create: 'dir' | 'file' | 'none'): Promise<FileHandle> {
  if (create === 'file' && last) {
    // O_EXCL never follows a link in the last component: a planted link fails with EEXIST and is opened (and
    // refused) below.
    const made = await open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, FILE_MODE).catch(ignoreExists);
    if (made) {
      await made.chmod(FILE_MODE);
      await made.close();
    }
  } else if (create !== 'none') {
    // mkdir never follows a link in its last component either.
    if (await mkdir(path, { mode: SUBPATH_DIR_MODE }).then(() => true, ignoreExists)) {
      const made = await open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      await made.chmod(SUBPATH_DIR_MODE);
      return made;
    }
  }
  return open(path, O_PATH | O_NOFOLLOW | (last ? 0 : O_DIRECTORY));
}

function ignoreExists(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'EEXIST') return undefined;
  throw err;
}

/** Where the runtime mounts a container's subPath: under the pod's own state dir, outside every volume. */
export function subPathMountTarget(podDir: string, volume: string, container: string, index: number): string {
  return join(podDir, 'volume-subpaths', volume, container, String(index));
}

/**
 * Bind-mounts `root/subPath`, resolved beneath root, onto `target` and returns target. An earlier mount there (a
 * restarted container's) is replaced.
 */
export async function mountSubPath(
  root: string,
  subPath: string,
  target: string,
  create: 'dir' | 'file' | 'none',
): Promise<string> {
  const handle = await openBeneath(root, subPath, create);
  try {
    const isDir = (await handle.stat()).isDirectory();
    if (isDir) await mkdir(target, { recursive: true, mode: 0o700 });
    else {
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
      await (await open(target, 'a')).close();
    }
    await unmountAll([target]);
    // --no-canonicalize: mount(8) must not turn the /proc magic link into a path and resolve that again.
    await run('mount', ['--no-canonicalize', '--bind', `/proc/${process.pid}/fd/${handle.fd}`, target]);
    return target;
  } finally {
    await handle.close();
  }
}

async function run(command: string, args: string[]): Promise<void> {
  try {
    await execFileAsync(command, args);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new CapstanError('UNAVAILABLE', `${command} ${args.join(' ')}: ${stderr || (err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Makes `dir` a tmpfs of at least `sizeBytes` (kubelet's medium: Memory, used for secret volumes): what is written
 * there lives in memory and never reaches the node's disk. Mounted once, then only grown (remount); an existing
 * directory's contents are hidden under the mount, so the caller mounts before writing. removePodDir unmounts it.
 */
export async function ensureTmpfs(dir: string, sizeBytes: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const point = await realpath(dir);
  const size = `size=${Math.ceil(sizeBytes / 4096) * 4}k`;
  const mounted = await tmpfsSizeKb(point);
  if (mounted === undefined)
    await run('mount', ['-t', 'tmpfs', '-o', `${size},mode=0755,nosuid,nodev,noexec`, 'tmpfs', point]);
  else if (mounted * 1024 < sizeBytes) await run('mount', ['-o', `remount,${size}`, point]);
}

/** The size (KiB) of the tmpfs mounted exactly at `point`, or undefined when none is. */
async function tmpfsSizeKb(point: string): Promise<number | undefined> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  let found: number | undefined;
  for (const line of info.split('\n')) {
    const [left, right] = line.split(' - ');
    const at = left?.split(' ')[4]?.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (at !== point || !right?.startsWith('tmpfs ')) continue;
    const options = right.split(' ')[2] ?? '';
    const size = /(?:^|,)size=(\d+)k/.exec(options);
    found = size ? Number(size[1]) : Number.MAX_SAFE_INTEGER;
  }
  return found;
}

/** Mount points at or below `dir`, deepest first (from /proc/self/mountinfo). */
export async function mountsBelow(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts every mount at the given points, stacked ones too. */
async function unmountAll(points: string[]): Promise<void> {
  for (const point of points) {
    for (let i = 0; i < 16 && (await mountsBelow(point)).includes(point); i++) await run('umount', [point]);
  }
}

/**
 * Removes a pod's state dir after unmounting its subPath mounts. A recursive delete crosses mount points, so a
 * mount left in place would delete the volume's (or a hostPath's) files through it: if one cannot be unmounted
 * nothing is deleted.
 */
export async function removePodDir(dir: string): Promise<void> {
  // mountinfo holds resolved paths: a state root reached through a link must still find its mounts.
  const podDir = await realpath(dir).catch(() => undefined);
  if (podDir === undefined) return;
  await unmountAll(await mountsBelow(podDir));
  const left = await mountsBelow(podDir);
  if (left.length > 0)
    throw new CapstanError('UNAVAILABLE', `cannot unmount ${left.join(', ')}; left ${podDir} as it is`);
  await rm(podDir, { recursive: true, force: true });
}
