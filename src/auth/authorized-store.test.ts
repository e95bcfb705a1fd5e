import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { WindowRateLimiter } from '../util/limits.ts';
import { AuthorizedStore, getEach } from './authorized-store.ts';
import type { Identity } from './identity.ts';

const node: Identity = { role: 'node', tokenName: 'node-n1', nodeName: 'n1' };
const viewer: Identity = { role: 'viewer', tokenName: 'viewer-1' };
const admin: Identity = { role: 'admin', tokenName: 'admin-1' };

/** The CapstanError code a call ends with (list and watch refuse at once, the others reject), or undefined. */
async function codeOf(call: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof call === 'function' ? call() : call);
    return undefined;
  } catch (err) {
    if (err instanceof CapstanError) return err.code;
    throw err;
  }
}

/** A store with a pod on n1 that uses Secret `used`, and Secrets `used` and `other` in namespace default. */
async function seeded(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const pod: Pod = {
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'busybox', envFrom: [{ secretRef: { name: 'used' } }] }],
    },
  } as Pod;
  await store.create('Pod', pod);
  for (const name of ['used', 'other']) {
    await store.create('Secret', { kind: 'Secret', metadata: { name, namespace: 'default' }, data: { k: 'dg==' } });
  }
  return store;
}

describe('AuthorizedStore', () => {
  it("getEach answers each key as the caller: a node's pod's Secret, a refusal for another, nothing for a missing one", async () => {
    const inner = await seeded();
    const results = await new AuthorizedStore(inner, node).getEach('Secret', [
      { namespace: 'default', name: 'used' },
      { namespace: 'default', name: 'other' },
      { namespace: 'default', name: 'used' },
    ]);
    expect(results.map((r) => (r instanceof CapstanError ? r.code : r?.metadata.name))).toEqual([
      'used',
      'FORBIDDEN',
      'used',
    ]);
    // A plain store answers as getMany: everything.
    const plain = await getEach(inner, 'Secret', [{ namespace: 'default', name: 'other' }]);
    expect((plain[0] as { metadata: { name: string } }).metadata.name).toBe('other');
  });

  it('refuses a whole kind the caller may not read: Secrets for a viewer, Tokens for anyone but an admin', async () => {
    const inner = await seeded();
    expect(
      await codeOf(new AuthorizedStore(inner, viewer).getEach('Secret', [{ namespace: 'default', name: 'used' }])),
    ).toBe('FORBIDDEN');
    expect(await codeOf(() => new AuthorizedStore(inner, viewer).list('Token'))).toBe('FORBIDDEN');
    expect(await codeOf(() => new AuthorizedStore(inner, node).list('Token'))).toBe('FORBIDDEN');
    expect(await codeOf(() => new AuthorizedStore(inner, admin).list('Token'))).toBeUndefined();
  });

  it("refuses a viewer's update before reading: FORBIDDEN, not NOT_FOUND, for an object that does not exist", async () => {
    const inner = await seeded();
    const store = new AuthorizedStore(inner, viewer);
    expect(await codeOf(store.mutate('ConfigMap', 'default', 'absent', (c) => c))).toBe('FORBIDDEN');
    expect(await codeOf(store.delete('ConfigMap', 'default', 'absent'))).toBe('FORBIDDEN');
  });

  it('a node deleting a pod that is already gone gets NOT_FOUND, as anyone would', async () => {
    const inner = await seeded();
    expect(await codeOf(new AuthorizedStore(inner, node).delete('Pod', 'default', 'gone'))).toBe('NOT_FOUND');
  });

  it("rate-limits a node's Event creates, not its dry runs", async () => {
    const inner = await seeded();
    const nodeEvents = new WindowRateLimiter('eventsPerNodePerMinute', 2);
    const store = new AuthorizedStore(inner, node, { nodeEvents });
    const event = (name: string) => ({
      kind: 'Event' as const,
      metadata: { name, namespace: 'default' },
      involvedObject: { kind: 'Pod' as const, namespace: 'default', name: 'p' },
      type: 'Normal' as const,
      reason: 'Test',
      message: 'm',
    });
    for (let i = 0; i < 5; i++) await store.create('Event', event(`dry-${i}`), { dryRun: true });
    await store.create('Event', event('e1'));
    await store.create('Event', event('e2'));
    expect(await codeOf(store.create('Event', event('e3')))).toBe('TOO_MANY_REQUESTS');
    expect(await inner.tryGet('Event', 'default', 'e3')).toBeUndefined();
  });
});
