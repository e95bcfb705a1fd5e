import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/api/types.ts';
import { aesGcmCodec } from '../src/store/secret-encryption.ts';
import { REDIS_URL, newTestStore } from './support/store.ts';

const PASSWORD = 'tr0ub4dor-and-3-more-words';
const BASE64 = Buffer.from(PASSWORD).toString('base64');

let store: Awaited<ReturnType<typeof newTestStore>>;
let prefix: string;

beforeEach(async () => {
  prefix = `capstan-test:at-rest:${randomBytes(4).toString('hex')}:`;
  store = await newTestStore({ prefix, encryption: aesGcmCodec(randomBytes(32)) });
  await store.create('Namespace', { kind: 'Namespace', metadata: { name: 'vault' } });
});

afterEach(async () => {
  await store.dispose();
});

/** Every key under the store's prefix whose value (any Redis type, stream entries included) holds the password. */
async function keysHoldingPassword(): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  const found = new Set<string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let values: string[] = [];
        if (type === 'string') values = [(await redis.get(key)) ?? ''];
        else if (type === 'hash') values = Object.values(await redis.hgetall(key));
        else if (type === 'zset') values = await redis.zrange(key, 0, -1);
        else if (type === 'set') values = await redis.smembers(key);
        else if (type === 'list') values = await redis.lrange(key, 0, -1);
        else if (type === 'stream')
          values = (await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields as string[]);
        if (values.some((v) => v.includes(PASSWORD) || v.includes(BASE64))) found.add(key);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return [...found];
}

describe('Secrets at rest through a batch delete (a namespace being deleted)', () => {
  it('keeps a Secret held by a finalizer sealed, and its change entries too', async () => {
    await store.create('Secret', {
      metadata: { name: 'db', namespace: 'vault', finalizers: ['example.com/backup'] },
      data: { password: BASE64 },
    } as never);
    await store.create('Secret', {
      metadata: { name: 'api', namespace: 'vault' },
      stringData: { password: PASSWORD },
    } as never);
    expect(await keysHoldingPassword()).toEqual([]);

    const listed = (await store.list('Secret', { namespace: 'vault' })).items as KubeObject[];
    const result = await store.deleteBatch('Secret', listed);
    expect(result.written).toBe(2);

    // The kept one is marked for deletion and still readable through the store, as a user would see it.
    const kept = await store.get('Secret', 'vault', 'db');
    expect(kept.metadata.deletionTimestamp).toBeDefined();
    expect((kept as unknown as { data: Record<string, string> }).data.password).toBe(BASE64);
    await expect(store.get('Secret', 'vault', 'api')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await keysHoldingPassword()).toEqual([]);
  });

  it('gives a watcher the deleted Secret opened again, not the sealed text', async () => {
    await store.create('Secret', {
      metadata: { name: 'api', namespace: 'vault' },
      data: { password: BASE64 },
    } as never);
    const rv = await store.currentResourceVersion();
    const watch = store.watch('Secret', { namespace: 'vault', sinceResourceVersion: rv });
    try {
      const listed = (await store.list('Secret', { namespace: 'vault' })).items as KubeObject[];
      await store.deleteBatch('Secret', listed);
      const iterator = watch[Symbol.asyncIterator]();
      const next = await Promise.race([
        iterator.next(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no watch event in 10 s')), 10_000)),
      ]);
      const event = next.value as { type: string; object: KubeObject & { data?: Record<string, string> } };
      expect(event.type).toBe('DELETED');
      expect(event.object.data?.password).toBe(BASE64);
    } finally {
      watch.close();
    }
  });
});
