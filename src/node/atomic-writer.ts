import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ProjectedFile } from './pod-config.ts';

/**
 * Kubelet's AtomicWriter: a projected volume (configMap, secret) is a directory in which
 *
 *   ..2026_12_01_21_00_00.123456789/   the current payload, a fresh timestamped directory per change
 *   ..data -> ..2026_...               swapped by rename(2), which is atomic
 *   key -> ..data/key                  one symlink per top-level entry, fixed across changes
 *
 * so a reader inside the container sees either the old files or the new ones, never a mix, and a changed value
 * reaches a running pod without restarting it. Returns whether anything changed.
 */
export async function writeAtomically(dir: string, files: readonly ProjectedFile[]): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (await samePayload(dir, files)) return false;
  const now = new Date();
  const stamp =
    `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.` +
    `${process.hrtime.bigint() % 1_000_000_000n}`;
  const payload = join(dir, stamp);
  await mkdir(payload, { mode: 0o755 });
  for (const file of files) {
    const target = join(payload, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, file.data, { mode: file.mode });
    await chmod(target, file.mode);
  }
  const temp = join(dir, '..data_tmp');
  await rm(temp, { force: true });
  await symlink(stamp, temp);
  await rename(temp, join(dir, '..data'));
  const top = new Set(files.map((f) => f.path.split('/')[0]!));
  for (const name of top) {
    const link = join(dir, name);
    const existing = await readlink(link).catch(() => undefined);
    if (existing !== join('..data', name)) {
      await rm(link, { force: true, recursive: true });
      await symlink(join('..data', name), link);
    }
  }
  for (const name of await readdir(dir)) {
    if (name.startsWith('..')) {
      if (name !== '..data' && name !== stamp) await rm(join(dir, name), { recursive: true, force: true });
    } else if (!top.has(name)) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  return true;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** True when the current payload holds exactly these files with these bytes and modes. */
async function samePayload(dir: string, files: readonly ProjectedFile[]): Promise<boolean> {
  const current = await readlink(join(dir, '..data')).catch(() => undefined);
  if (!current) return false;
  const root = join(dir, current);
  const listed = await listFiles(root).catch(() => undefined);
  if (!listed || listed.length !== files.length) return false;
  for (const file of files) {
    const path = join(root, file.path);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile() || (info.mode & 0o7777) !== file.mode) return false;
    if (!(await readFile(path)).equals(file.data)) return false;
  }
  return true;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, rel)));
    else out.push(rel);
  }
  return out;
}
