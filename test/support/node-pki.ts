import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateClusterCa, type ClusterCa } from '../../src/pki/cluster-ca.ts';
import { nodeEndpointPki, type NodeEndpointPki } from '../../src/pki/node-certificate.ts';
import type { TlsIdentity } from '../../src/pki/node-endpoint-tls.ts';

/** A cluster CA in a temporary directory and the node endpoints' PKI made from it, as a control plane has them. */
export interface TestNodePki extends NodeEndpointPki {
  ca: ClusterCa;
  /** A serving identity for node `nodeName` at 127.0.0.1. */
  node(nodeName?: string): Promise<TlsIdentity>;
  dispose(): Promise<void>;
}

export async function testNodePki(): Promise<TestNodePki> {
  const dir = await mkdtemp(join(tmpdir(), 'capstan-test-pki-'));
  const ca = await loadOrCreateClusterCa(join(dir, 'pki'));
  const pki = await nodeEndpointPki(ca);
  return {
    ...pki,
    ca,
    node: (nodeName = 'n1') => pki.issueNodeIdentity(nodeName, ['127.0.0.1']),
    async dispose() {
      pki.dialer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
