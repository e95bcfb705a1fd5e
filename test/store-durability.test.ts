import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/store/redis-store.ts';
import { newPod } from './support/fixtures.ts';
import { waitFor } from './support/store.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A private redis-server with AOF `appendfsync always`, as the durability promise for that mode states. */
function startRedis(dir: string, port: number): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
}

async function waitForRedis(url: string): Promise<void> {
  await waitFor(
    async () => {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 15_000, message: `redis at ${url}` },
  );
}

describe('durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-aof-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write when Redis is killed with SIGKILL and restarted', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const first = startRedis(dir, port);
    children.push(first);
    await waitForRedis(url);

    const store = await createRedisStore({ url, prefix: 'durable:' });
    const acknowledged: string[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const pod = await store.create('Pod', newPod(`pod-${i}`));
        acknowledged.push(pod.metadata.name);
      }),
    );
    const lastRv = await store.currentResourceVersion();
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    await store.close();

    const second = startRedis(dir, port);
    children.push(second);
    await waitForRedis(url);
    const reopened = await createRedisStore({ url, prefix: 'durable:' });
    try {
      const { items } = await reopened.list('Pod', { namespace: 'default' });
      expect(items.map((p) => p.metadata.name).sort()).toEqual([...acknowledged].sort());
      expect(Number(await reopened.currentResourceVersion())).toBeGreaterThanOrEqual(Number(lastRv));
    } finally {
      await reopened.close();
    }
  });
});
