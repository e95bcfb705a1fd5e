import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { Identity } from './identity.ts';
import { NODE_LEASE_NAMESPACE, authorizeRead, authorizeWrite, type WriteRequest } from './authorize.ts';

const admin: Identity = { role: 'admin', tokenName: 'adm000' };
const viewer: Identity = { role: 'viewer', tokenName: 'vwr000' };
const bootstrap: Identity = { role: 'bootstrap', tokenName: 'bst000' };
const node1: Identity = { role: 'node', tokenName: 'nod001', nodeName: 'n1' };
// The `exec` role of earlier releases, as a Token stored then would still authenticate.
const exec = { role: 'exec', tokenName: 'exe000' } as unknown as Identity;

function newPod(nodeName?: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '',
    },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(nodeName ? { nodeName } : {}) },
  };
}

function podWrite(verb: WriteRequest['verb'], current?: Pod): WriteRequest {
  return { kind: 'Pod', namespace: 'default', name: 'web', verb, ...(current ? { current } : {}) };
}

function refusal(fn: () => void): CapstanError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('authorizeRead', () => {
  it('asks for a token when there is no identity', () => {
    const err = refusal(() => authorizeRead(null));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/Authorization: Bearer/);
  });

  it('lets admin, viewer and node credentials read but not bootstrap tokens', () => {
    expect(() => authorizeRead(admin)).not.toThrow();
    expect(() => authorizeRead(viewer)).not.toThrow();
    expect(() => authorizeRead(node1)).not.toThrow();
    expect(refusal(() => authorizeRead(bootstrap)).code).toBe('FORBIDDEN');
  });
});

describe('a token of the retired exec role', () => {
  it('may neither read nor write anything through the API', () => {
    const read = refusal(() => authorizeRead(exec));
    expect(read.code).toBe('FORBIDDEN');
    expect(read.message).toBe(
      'token "exe000" has role exec, which this release does not know: it may not read cluster state',
    );
    for (const verb of ['create', 'update', 'updateStatus', 'delete'] as const) {
      const write = refusal(() => authorizeWrite(exec, podWrite(verb, newPod('n1'))));
      expect(write.code).toBe('FORBIDDEN');
      expect(write.message).toMatch(/^token "exe000" has role exec, which this release does not know: it may not /);
    }
    expect(refusal(() => authorizeWrite(exec, { kind: 'Token', name: 't', verb: 'create' })).code).toBe('FORBIDDEN');
  });
});

describe('authorizeWrite', () => {
  it('lets admin do anything', () => {
    expect(() => authorizeWrite(admin, { kind: 'Token', name: 'abc123', verb: 'delete' })).not.toThrow();
  });

  it('refuses every write of a viewer, naming the object', () => {
    const err = refusal(() => authorizeWrite(viewer, podWrite('create')));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toContain('viewer token (read-only): it may not create pod default/web');
  });

  it('refuses every write of a bootstrap token', () => {
    expect(refusal(() => authorizeWrite(bootstrap, { kind: 'Node', name: 'n1', verb: 'create' })).code).toBe(
      'FORBIDDEN',
    );
  });

  it('lets a node write its own Node and Lease but not another node', () => {
    for (const verb of ['create', 'update', 'updateStatus'] as const) {
      expect(() => authorizeWrite(node1, { kind: 'Node', name: 'n1', verb })).not.toThrow();
      expect(() =>
        authorizeWrite(node1, { kind: 'Lease', namespace: NODE_LEASE_NAMESPACE, name: 'n1', verb }),
      ).not.toThrow();
    }
    expect(refusal(() => authorizeWrite(node1, { kind: 'Node', name: 'n2', verb: 'updateStatus' })).message).toBe(
      'node n1 may not update the status of node n2: a node may only create and update its own node n1',
    );
    expect(refusal(() => authorizeWrite(node1, { kind: 'Node', name: 'n1', verb: 'delete' })).code).toBe('FORBIDDEN');
    expect(
      refusal(() => authorizeWrite(node1, { kind: 'Lease', namespace: 'default', name: 'n1', verb: 'update' })).code,
    ).toBe('FORBIDDEN');
  });

  it('lets a node write the status of pods bound to it, judged by the stored pod', () => {
    expect(() => authorizeWrite(node1, podWrite('updateStatus', newPod('n1')))).not.toThrow();
    const stolen = { ...podWrite('updateStatus', newPod('n2')), object: newPod('n1') };
    expect(refusal(() => authorizeWrite(node1, stolen)).message).toBe(
      'node n1 may not update the status of pod default/web bound to node n2',
    );
    expect(refusal(() => authorizeWrite(node1, podWrite('updateStatus'))).message).toMatch(/not bound to node n1/);
  });

  it("refuses a node editing or deleting another node's pod", () => {
    expect(refusal(() => authorizeWrite(node1, podWrite('update', newPod('n2')))).message).toBe(
      'node n1 may not update pod default/web bound to node n2',
    );
    expect(refusal(() => authorizeWrite(node1, podWrite('delete', newPod('n2')))).message).toBe(
      'node n1 may not delete pod default/web bound to node n2',
    );
    expect(refusal(() => authorizeWrite(node1, podWrite('update', newPod('n1')))).code).toBe('FORBIDDEN');
  });

  it('lets a node create events but nothing else', () => {
    expect(() =>
      authorizeWrite(node1, { kind: 'Event', namespace: 'default', name: 'e1', verb: 'create' }),
    ).not.toThrow();
    expect(
      refusal(() => authorizeWrite(node1, { kind: 'Event', namespace: 'default', name: 'e1', verb: 'delete' })).code,
    ).toBe('FORBIDDEN');
    expect(
      refusal(() => authorizeWrite(node1, { kind: 'Service', namespace: 'default', name: 's', verb: 'create' })).code,
    ).toBe('FORBIDDEN');
    expect(refusal(() => authorizeWrite(node1, { kind: 'Token', name: 'abc123', verb: 'create' })).code).toBe(
      'FORBIDDEN',
    );
  });
});
