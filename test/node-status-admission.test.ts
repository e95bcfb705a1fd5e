import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapstanError } from '../src/api/errors.ts';
import { NodeStatusAdmission } from '../src/api/node-status-admission.ts';
import type { Node, NodeStatus } from '../src/api/types.ts';
import { AuthorizedStore } from '../src/auth/authorized-store.ts';
import { newTestStore } from './support/store.ts';

type TestStore = Awaited<ReturnType<typeof newTestStore>>;
const stores: TestStore[] = [];

async function clusterStore(allowLoopback: boolean): Promise<TestStore> {
  const admission = new NodeStatusAdmission({ allowLoopback });
  const store = await newTestStore({ admission: [admission] });
  admission.attach(store);
  stores.push(store);
  return store;
}

afterAll(async () => {
  for (const store of stores) await store.dispose();
});

async function rejection(promise: Promise<unknown>): Promise<CapstanError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error('expected the write to be refused');
}

function status(address: string, extra: Partial<NodeStatus> = {}): NodeStatus {
  return {
    addresses: [{ type: 'InternalIP', address }],
    capacity: { cpu: '2', memory: '1Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
    ...extra,
  };
}

/** The node's own credential writing its status, as `updateNodeStatus` does for a joined node. */
async function writeStatus(store: TestStore, name: string, next: NodeStatus): Promise<Node> {
  const asNode = new AuthorizedStore(store, { role: 'node', nodeName: name, tokenName: 'n' });
  return asNode.mutate('Node', undefined, name, (node) => ({ ...node, status: next }), { status: true });
}

describe('node-written status', () => {
  let multiHost: TestStore;
  let singleHost: TestStore;
  beforeAll(async () => {
    multiHost = await clusterStore(false);
    singleHost = await clusterStore(true);
    for (const store of [multiHost, singleHost]) {
      await store.create('Node', { kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.7.0/24' } });
    }
  });

  it('refuses a 40,000-digit allocatable cpu, an unknown condition type and a malformed address', async () => {
    const huge = await rejection(
      writeStatus(multiHost, 'n1', status('10.0.0.5', { allocatable: { cpu: '9'.repeat(40_000) } })),
    );
    expect(huge.code).toBe('INVALID');
    expect(huge.message).toMatch(/status\.allocatable\[cpu\].*at most 100 characters/);
    const condition = await rejection(
      writeStatus(multiHost, 'n1', status('10.0.0.5', { conditions: [{ type: 'Hacked' as 'Ready', status: 'True' }] })),
    );
    expect(condition.message).toMatch(/status\.conditions\[0\]\.type: Unsupported value: "Hacked"/);
    const address = await rejection(writeStatus(multiHost, 'n1', status('10.0.0.500')));
    expect(address.message).toMatch(/must be a valid IP address/);
    expect((await multiHost.get('Node', undefined, 'n1')).status).toBeUndefined();
  });

  it('refuses loopback and link-local node addresses unless the cluster is on one machine', async () => {
    for (const address of ['127.0.0.1', '169.254.1.1', '::1', '0.0.0.0']) {
      const err = await rejection(writeStatus(multiHost, 'n1', status(address)));
      expect(err.message).toMatch(/status\.addresses\[0\]\.address/);
    }
    await writeStatus(multiHost, 'n1', status('10.0.0.5'));
    const local = await writeStatus(singleHost, 'n1', status('127.0.0.1'));
    expect(local.status?.addresses?.[0]?.address).toBe('127.0.0.1');
  });

  it("refuses a pod IP outside the podCIDR of the pod's node", async () => {
    await multiHost.create('Namespace', { kind: 'Namespace', metadata: { name: 'ns' } });
    const pod = await multiHost.create('Pod', {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'capstan/hello:1' }] },
    });
    const asNode = new AuthorizedStore(multiHost, { role: 'node', nodeName: 'n1', tokenName: 'n' });
    const podStatus = (podIP: string) =>
      asNode.mutate('Pod', 'ns', 'p', (p) => ({ ...p, status: { ...p.status, podIP } }), { status: true });
    const err = await rejection(podStatus('10.96.0.10'));
    expect(err.message).toMatch(/status\.podIP.*must be in the podCIDR 10\.244\.7\.0\/24 of node n1/);
    expect((await podStatus('10.244.7.9')).status?.podIP).toBe('10.244.7.9');
    expect(pod.metadata.name).toBe('p');
  });
});
