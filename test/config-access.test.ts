import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizedStore } from '../src/auth/authorized-store.ts';
import { aesGcmCodec } from '../src/store/secret-encryption.ts';
import { newTestStore } from './support/store.ts';

let store: Awaited<ReturnType<typeof newTestStore>>;
const node = (name: string) => new AuthorizedStore(store, { role: 'node', nodeName: name, tokenName: `t-${name}` });

beforeAll(async () => {
  store = await newTestStore({ encryption: aesGcmCodec(randomBytes(32)) });
  for (const name of ['mine', 'other']) {
    await store.create('Secret', { kind: 'Secret', metadata: { name }, stringData: { password: `pw-${name}` } });
  }
  await store.create('Pod', {
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      nodeName: 'node-a',
      containers: [
        {
          name: 'c',
          image: 'x:1',
          env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 'mine', key: 'password' } } }],
        },
      ],
    },
  });
});

afterAll(async () => {
  await store?.dispose();
});

describe('Node authorizer for ConfigMaps and Secrets', () => {
  it('lets a node get the Secrets its pods refer to, and no other', async () => {
    const secret = await node('node-a').get('Secret', 'default', 'mine');
    expect(Buffer.from(secret.data!.password!, 'base64').toString()).toBe('pw-mine');
    await expect(node('node-a').get('Secret', 'default', 'other')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(node('node-b').get('Secret', 'default', 'mine')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a node listing or watching Secrets, and a viewer any read of them', () => {
    expect(() => node('node-a').list('Secret', { namespace: 'default' })).toThrow(/may not list secrets/);
    expect(() => node('node-a').watch('Secret', {})).toThrow(/may not watch secrets/);
    const viewer = new AuthorizedStore(store, { role: 'viewer', tokenName: 'v' });
    expect(() => viewer.list('Secret', {})).toThrow(/viewer token: it may not list secrets/);
  });
});
