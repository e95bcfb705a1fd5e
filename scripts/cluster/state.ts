import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { STATE_FILE } from './layout.ts';

export interface HostState {
  name: string;
  netns: string;
  address: string;
  dockerHost: string;
  /** Role (dockerd, node, redis, server) to process id. */
  pids: Record<string, number>;
}

/** The state file: written at every step of `up`, so that `down` knows what a half-finished one made. */
export interface BedState {
  /** `starting` until `up` finished; `up` then. */
  phase: 'starting' | 'up';
  nodes: number;
  startedAt: string;
  /** The checkout whose `bin/capstan.mjs` the bed's processes run (several worktrees may share one machine). */
  repoRoot?: string;
  /** Seconds `up` took. */
  upSeconds?: number;
  server?: string;
  hosts: HostState[];
}

export async function readState(): Promise<BedState | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as BedState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${STATE_FILE}: ${(err as Error).message}`);
  }
}

export async function writeState(state: BedState): Promise<void> {
  await mkdir(dirname(STATE_FILE), { recursive: true });
  const temporary = `${STATE_FILE}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, STATE_FILE);
}
