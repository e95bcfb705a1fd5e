import { describe, expect, it } from 'vitest';
import type { Node } from '../api/types.ts';
import { VTEP_MAC_ANNOTATION, planVxlan, vxlanPeers } from './vxlan.ts';

function node(name: string, podCIDR: string | undefined, address: string, mac?: string): Node {
  return {
    kind: 'Node',
    metadata: { name, uid: name, ...(mac ? { annotations: { [VTEP_MAC_ANNOTATION]: mac } } : {}) },
    spec: podCIDR ? { podCIDR } : {},
    status: { addresses: [{ type: 'InternalIP', address }] },
  } as Node;
}

describe('VXLAN peers', () => {
  const nodes = [
    node('h1', '10.244.1.0/24', '10.123.0.11', 'AA:00:00:00:00:01'),
    node('h2', '10.244.2.0/24', '10.123.0.12', 'aa:00:00:00:00:02'),
    node('h3', '10.244.3.0/24', '10.123.0.13'),
    node('h4', undefined, '10.123.0.14', 'aa:00:00:00:00:04'),
  ];

  it('tunnels to nodes with a podCIDR and a VTEP MAC whose podCIDR is not local', () => {
    const peers = vxlanPeers(nodes, (n) => n.metadata.name === 'h1');
    expect(peers).toEqual([
      { node: 'h2', podCidr: '10.244.2.0/24', vtep: '10.244.2.0', mac: 'aa:00:00:00:00:02', address: '10.123.0.12' },
    ]);
  });

  it('plans neighbour, FDB entry and onlink route for a new peer, and removes those of a peer that left', () => {
    const peers = vxlanPeers(nodes, () => false);
    const actions = planVxlan(peers, {
      routes: [{ dst: '10.244.9.0/24', gateway: '10.244.9.0' }],
      neighbours: [{ dst: '10.244.9.0', mac: 'aa:00:00:00:00:09' }],
      fdb: [{ mac: 'aa:00:00:00:00:09', dst: '10.123.0.19' }],
    });
    expect(actions).toContainEqual({ op: 'neigh-replace', dst: '10.244.2.0', mac: 'aa:00:00:00:00:02' });
    expect(actions).toContainEqual({ op: 'fdb-replace', mac: 'aa:00:00:00:00:02', dst: '10.123.0.12' });
    expect(actions).toContainEqual({ op: 'route-replace', dst: '10.244.2.0/24', gateway: '10.244.2.0' });
    expect(actions).toContainEqual({ op: 'route-del', dst: '10.244.9.0/24' });
    expect(actions).toContainEqual({ op: 'neigh-del', dst: '10.244.9.0' });
    expect(actions).toContainEqual({ op: 'fdb-del', mac: 'aa:00:00:00:00:09', dst: '10.123.0.19' });
    expect(actions.findIndex((a) => a.op === 'neigh-replace')).toBeLessThan(
      actions.findIndex((a) => a.op === 'route-replace'),
    );
  });

  it('changes nothing once the device matches the peers', () => {
    const peers = vxlanPeers(nodes, () => false);
    const current = {
      routes: peers.map((p) => ({ dst: p.podCidr, gateway: p.vtep })),
      neighbours: peers.map((p) => ({ dst: p.vtep, mac: p.mac.toUpperCase() })),
      fdb: peers.map((p) => ({ mac: p.mac, dst: p.address })),
    };
    expect(planVxlan(peers, current)).toEqual([]);
  });
});
