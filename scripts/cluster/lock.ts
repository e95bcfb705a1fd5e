import { readFile, rm, writeFile } from 'node:fs/promises';
import { isAlive } from './system.ts';

/**
 * One user of the bed at a time (its names and addresses are fixed): a test file, a benchmark or chaos run from start
 * to release, and `npm run cluster -- up|down` for the length of the command. Held by a process id, taken over when
 * that process is dead. Outside the bed's folders, so that a teardown does not remove it.
 */
export const LOCK_FILE = '/run/capstan-cluster.lock';

/** The pid holding the bed's lock, if a live process does. */
export async function lockHolder(): Promise<number | undefined> {
  const holder = Number((await readFile(LOCK_FILE, 'utf8').catch(() => '')).trim());
  return Number.isInteger(holder) && holder > 0 && isAlive(holder) ? holder : undefined;
}

/**
 * Takes the lock for this process, waiting up to `timeoutMs` for a live holder; `onWait` is told once who holds it.
 * A holder that is this very process counts as taken (re-entrant).
 */
export async function acquireBedLock(
  timeoutMs = 15 * 60_000,
  onWait: (holder: number) => void = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  while (true) {
    try {
      await writeFile(LOCK_FILE, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await lockHolder();
    if (holder === process.pid) return;
    if (holder === undefined) {
      await rm(LOCK_FILE, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the test bed is in use by process ${holder} (${LOCK_FILE})`);
    if (!told) onWait(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Gives the lock back if this process holds it. */
export async function releaseBedLock(): Promise<void> {
  const holder = Number((await readFile(LOCK_FILE, 'utf8').catch(() => '')).trim());
  if (holder === process.pid) await rm(LOCK_FILE, { force: true });
}
