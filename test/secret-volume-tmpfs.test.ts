import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emptyDirPath, podStateDir } from '../src/node/docker-pod-config.ts';
import { mountsBelow } from '../src/node/subpath.ts';
import { BUSYBOX, NodeHarness, ready, waitForPod } from './support/node-harness.ts';

const run = promisify(execFile);
const h = new NodeHarness();
const VALUE = 'tmpfs-only-s3cr3t-value';

beforeAll(async () => {
  await h.start();
});
afterAll(async () => {
  await h.dispose();
});

/** Every regular file under `root` on the root's own filesystem (find -xdev: not into the tmpfs). */
async function filesOnDisk(root: string): Promise<string[]> {
  const { stdout } = await run('find', [root, '-xdev', '-type', 'f']);
  return stdout.split('\n').filter(Boolean);
}

it('mounts a secret volume from a tmpfs, as kubelet: nothing of the Secret reaches the node’s disk', async () => {
  await h.store.create('Secret', {
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'default' },
    data: { password: Buffer.from(VALUE).toString('base64') },
  });
  await h.store.create(
    'Pod',
    h.pod('reader', {
      terminationGracePeriodSeconds: 0,
      volumes: [{ name: 'creds', secret: { secretName: 'db' } }],
      containers: [
        {
          name: 'app',
          image: BUSYBOX,
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'creds', mountPath: '/etc/creds' }],
        },
      ],
    }),
  );
  const pod = await waitForPod(h.store, 'reader', (p) => p.status?.phase === 'Running' && ready(p), {
    timeoutMs: 60_000,
  });
  const id = (pod.status?.containerStatuses?.[0]?.containerID ?? '').replace('docker://', '');
  const inside = async (cmd: string) => (await run('docker', ['exec', id, 'sh', '-c', cmd])).stdout;
  expect(await inside('cat /etc/creds/password')).toBe(VALUE);
  // The container sees a tmpfs at the mount point.
  expect(await inside('awk \'$2 == "/etc/creds" { print $3 }\' /proc/mounts')).toBe('tmpfs\n');
  // On the host: the volume dir is a tmpfs mount, and no file on the state root's disk holds the value.
  const volume = emptyDirPath(h.stateRoot, pod.metadata.uid, 'creds');
  expect((await run('stat', ['-f', '-c', '%T', volume])).stdout.trim()).toBe('tmpfs');
  for (const file of await filesOnDisk(h.stateRoot)) {
    expect(await readFile(file, 'utf8').catch(() => ''), file).not.toContain(VALUE);
  }
  await h.store.delete('Pod', 'default', 'reader');
  const dir = podStateDir(h.stateRoot, pod.metadata.uid);
  const deadline = Date.now() + 60_000;
  while ((await mountsBelow(dir)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(await mountsBelow(dir)).toEqual([]);
}, 120_000);
