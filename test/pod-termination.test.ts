import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../src/node/runtime.ts';
import { BUSYBOX, NodeHarness, waitForPod } from './support/node-harness.ts';
import { waitFor } from './support/store.ts';

const docker = new Docker();
// One sync slot: before terminations had slots of their own, pods being deleted were stopped one after another.
const h = new NodeHarness();

beforeAll(async () => {
  await h.start({ concurrency: 1 });
});
afterAll(async () => {
  await h.dispose();
});

/** A container that ignores SIGTERM (docker-init forwards it to the shell, which traps it): it stops at SIGKILL. */
const stubborn = (name: string) =>
  h.pod(name, {
    terminationGracePeriodSeconds: 4,
    containers: [{ name: 'main', image: BUSYBOX, command: ['sh', '-c', "trap '' TERM; while :; do sleep 1; done"] }],
  });

describe('pod termination', () => {
  it('stops every pod being deleted at once, not one sync slot at a time, and leaves nothing of them behind', async () => {
    const names = ['stubborn-0', 'stubborn-1', 'stubborn-2', 'stubborn-3'];
    await Promise.all(names.map((name) => h.store.create('Pod', stubborn(name))));
    const pods = await Promise.all(
      names.map((name) => waitForPod(h.store, name, (p) => p.status?.phase === 'Running', { what: 'Running' })),
    );
    const uids = pods.map((p) => p.metadata.uid);
    expect((await h.runtime.networkReservations(h.nodeName)).addresses).toHaveLength(names.length);

    // What happens, in the order it is seen: SIGTERMs sent by the engine, pods gone from the store.
    const seen: string[] = [];
    const abort = new AbortController();
    const engineEvents = (await docker.getEvents({
      filters: { type: ['container'], event: ['kill'], label: [`${LABELS.node}=${h.nodeName}`] },
      abortSignal: abort.signal,
    } as Docker.GetEventsOptions)) as NodeJS.ReadableStream;
    engineEvents.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as { Actor: { Attributes: Record<string, string> } };
        if (event.Actor.Attributes.signal === '15') seen.push(`SIGTERM ${event.Actor.Attributes[LABELS.podName]}`);
      }
    });
    engineEvents.on('error', () => undefined);
    const watch = h.store.watch('Pod', {
      namespace: 'default',
      sinceResourceVersion: await h.store.currentResourceVersion(),
    });
    const watching = (async () => {
      for await (const event of watch) if (event.type === 'DELETED') seen.push(`gone ${event.object.metadata.name}`);
    })();
    try {
      await Promise.all(names.map((name) => h.store.delete('Pod', 'default', name)));
      await waitFor(() => seen.filter((s) => s.startsWith('gone ')).length === names.length, {
        timeoutMs: 60_000,
        message: 'every pod gone',
      });
    } finally {
      abort.abort();
      watch.close();
      await watching;
    }
    // Every pod got its SIGTERM before the first one was gone (its grace period over, then its removal).
    const firstGone = seen.findIndex((s) => s.startsWith('gone '));
    expect(
      seen
        .slice(0, firstGone)
        .filter((s) => s.startsWith('SIGTERM '))
        .sort(),
    ).toEqual(names.map((n) => `SIGTERM ${n}`));

    // A pod leaves the store once its containers are stopped and its network released (CNI DEL); the stopped
    // containers and the state directory are removed beside that final delete.
    expect(await h.runtime.networkReservations(h.nodeName)).toEqual({ addresses: [], results: [] });
    // Nothing left: containers, addresses and CNI results, the pods' state directories.
    const left = async () => ({
      containers: (await docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${h.nodeName}`] } }))
        .length,
      dirs: (await readdir(join(h.stateRoot, 'pods')).catch(() => [] as string[])).filter((d) => uids.includes(d)),
    });
    await waitFor(
      async () => {
        const now = await left();
        return now.containers === 0 && now.dirs.length === 0;
      },
      { timeoutMs: 30_000, message: 'no container or pod directory left' },
    );
  });
});
