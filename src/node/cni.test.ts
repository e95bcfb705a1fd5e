import { describe, expect, it } from 'vitest';
import { bridgeName, gatewayOf, listFor, nodeConfList, pluginStdin, podIPFromResult } from './cni.ts';
import { chainRules, nodeChains } from './node-iptables.ts';

describe('CNI configuration', () => {
  it('gives each node a bridge of its own whose name fits a Linux interface name', () => {
    const names = ['vm', 'a-very-long-node-name-that-goes-on-and-on.example.com', 't12-n3'].map(bridgeName);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(15);
    expect(new Set(names).size).toBe(3);
    expect(bridgeName('vm')).toBe(bridgeName('vm'));
  });

  it('builds a bridge + host-local list without masquerade, with the podCIDR gateway and a per-node data dir', () => {
    const list = nodeConfList({ node: 'n1', podCidr: '10.244.3.0/24', dataDir: '/state/cni/n1/ipam' });
    expect(list.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
    expect(list.plugins[0]).toMatchObject({
      bridge: bridgeName('n1'),
      isGateway: true,
      ipMasq: false,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '10.244.3.0/24', gateway: '10.244.3.1' }]],
        dataDir: '/state/cni/n1/ipam',
      },
    });
    expect(gatewayOf('10.230.17.0/24')).toBe('10.230.17.1');
  });

  it('passes the previous result and the port mappings only to plugins that declare the capability', () => {
    const list = nodeConfList({ node: 'n1', podCidr: '10.244.3.0/24', dataDir: '/d' });
    const portMappings = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const, hostIP: '127.0.0.1' }];
    const prevResult = { cniVersion: '1.0.0', ips: [{ address: '10.244.3.5/24' }] };
    const bridge = pluginStdin(list, list.plugins[0]!, { portMappings });
    expect(bridge).toMatchObject({ type: 'bridge', name: 'capstan', cniVersion: '1.0.0' });
    expect(bridge.runtimeConfig).toBeUndefined();
    expect(bridge.prevResult).toBeUndefined();
    const portmap = pluginStdin(list, list.plugins[1]!, { prevResult, portMappings });
    expect(portmap).toMatchObject({ type: 'portmap', prevResult, runtimeConfig: { portMappings } });
    expect(portmap.capabilities).toBeUndefined();
    expect(pluginStdin(list, list.plugins[1]!, { prevResult, portMappings: [] }).runtimeConfig).toBeUndefined();
  });

  it('wires a sandbox without port mappings without portmap, and one with them with the whole list', () => {
    const list = nodeConfList({ node: 'n1', podCidr: '10.244.3.0/24', dataDir: '/d' });
    expect(listFor(list, []).plugins.map((p) => p.type)).toEqual(['bridge']);
    expect(listFor(list, []).name).toBe('capstan');
    const portMappings = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
    expect(listFor(list, portMappings)).toBe(list);
  });

  it('reads the pod IP from the interface inside the sandbox', () => {
    const result = {
      interfaces: [{ name: 'capbr-1' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/proc/42/ns/net' }],
      ips: [{ address: '10.244.3.7/24', gateway: '10.244.3.1', interface: 2 }],
    };
    expect(podIPFromResult(result)).toBe('10.244.3.7');
    expect(() => podIPFromResult({ interfaces: [] })).toThrow(/no IP/);
  });
});

describe('node iptables chains', () => {
  it('are named per node within iptables limits, accept the podCIDR and masquerade only outside the cluster', () => {
    const chains = nodeChains('some-node');
    expect(chains.forward).toMatch(/^CAPSTAN-FWD-[0-9a-f]{8}$/);
    expect(chains.masquerade.length).toBeLessThanOrEqual(28);
    const rules = chainRules('10.244.3.0/24', '10.244.0.0/16');
    expect(rules.forward).toEqual([
      ['-s', '10.244.3.0/24', '-j', 'ACCEPT'],
      ['-d', '10.244.3.0/24', '-j', 'ACCEPT'],
    ]);
    expect(rules.masquerade[0]).toEqual(['-s', '10.244.3.0/24', '-d', '10.244.0.0/16', '-j', 'RETURN']);
    expect(rules.masquerade[1]).toContain('MASQUERADE');
  });
});
