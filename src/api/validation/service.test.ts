import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.ts';
import type { ServicePort, ServiceSpec } from '../types.ts';
import { validateObject } from '../validation.ts';
import { expectOnly, expectViolation, newEndpoints, newService } from './test-fixtures.ts';

const withPorts = (ports: ServicePort[], spec: Partial<ServiceSpec> = {}) => newService({ ...spec, ports });

describe('Service', () => {
  it('requires ports unless headless', () => {
    expectOnly(validateObject(newService({ ports: [] })), 'spec.ports', 'Required value');
    expect(validateObject(newService({ ports: [], clusterIP: 'None' }))).toEqual([]);
  });

  it('checks port numbers and protocols', () => {
    expectOnly(
      validateObject(withPorts([{ port: 0 }])),
      'spec.ports[0].port',
      'must be between 1 and 65535, inclusive',
    );
    expectOnly(
      validateObject(withPorts([{ port: 80, protocol: 'SCTP' as 'TCP' }])),
      'spec.ports[0].protocol',
      'supported values: "TCP", "UDP"',
    );
  });

  it('requires names when there is more than one port, as unique DNS labels', () => {
    expectOnly(
      validateObject(withPorts([{ port: 80, name: 'http' }, { port: 443 }])),
      'spec.ports[1].name',
      'Required value',
    );
    expectOnly(
      validateObject(withPorts([{ port: 80, name: 'Http' }])),
      'spec.ports[0].name',
      'a lowercase RFC 1123 label',
    );
    const dup = withPorts([
      { port: 80, name: 'http' },
      { port: 81, name: 'http' },
    ]);
    expectOnly(validateObject(dup), 'spec.ports[1].name', 'Duplicate value: "http"');
  });

  it('rejects a repeated port and protocol pair but not the same port over TCP and UDP', () => {
    const dup = withPorts([
      { port: 53, name: 'a' },
      { port: 53, name: 'b', protocol: 'TCP' },
    ]);
    expectOnly(validateObject(dup), 'spec.ports[1]', 'Duplicate value: "53/TCP"');
    const dns = withPorts([
      { port: 53, name: 'dns', protocol: 'UDP' },
      { port: 53, name: 'dns-tcp', protocol: 'TCP' },
    ]);
    expect(validateObject(dns)).toEqual([]);
  });

  it('checks targetPort as a port number or an IANA port name', () => {
    expect(validateObject(withPorts([{ port: 80, targetPort: 'http' }]))).toEqual([]);
    expectOnly(
      validateObject(withPorts([{ port: 80, targetPort: 70000 }])),
      'spec.ports[0].targetPort',
      'must be between 1 and 65535',
    );
    expectOnly(
      validateObject(withPorts([{ port: 80, targetPort: 'web_ui' }])),
      'spec.ports[0].targetPort',
      'must contain only alpha-numeric',
    );
  });

  it('allows nodePort only on NodePort and LoadBalancer services, within 30000-32767', () => {
    expectOnly(
      validateObject(withPorts([{ port: 80, nodePort: 30080 }])),
      'spec.ports[0].nodePort',
      "Forbidden: may not be used when `type` is 'ClusterIP'",
    );
    expect(validateObject(withPorts([{ port: 80, nodePort: 30080 }], { type: 'NodePort' }))).toEqual([]);
    expect(validateObject(withPorts([{ port: 80, nodePort: 32767 }], { type: 'LoadBalancer' }))).toEqual([]);
    expectOnly(
      validateObject(withPorts([{ port: 80, nodePort: 80 }], { type: 'NodePort' })),
      'spec.ports[0].nodePort',
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    const dup = withPorts(
      [
        { port: 80, name: 'a', nodePort: 30080 },
        { port: 81, name: 'b', nodePort: 30080 },
      ],
      { type: 'NodePort' },
    );
    expectOnly(validateObject(dup), 'spec.ports[1].nodePort', 'Duplicate value: "30080/TCP"');
  });

  it('checks type, session affinity and selector', () => {
    expectOnly(
      validateObject(newService({ type: 'ExternalName' as 'ClusterIP' })),
      'spec.type',
      'supported values: "ClusterIP", "NodePort", "LoadBalancer"',
    );
    expectOnly(
      validateObject(newService({ sessionAffinity: 'Sticky' as 'None' })),
      'spec.sessionAffinity',
      'supported values: "None", "ClientIP"',
    );
    expectOnly(
      validateObject(newService({ selector: { app: 'a b' } })),
      'spec.selector',
      'a valid label must be an empty string',
    );
  });

  it('checks clusterIP', () => {
    expect(validateObject(newService({ clusterIP: '10.96.0.10' }))).toEqual([]);
    expectOnly(
      validateObject(newService({ clusterIP: '10.96.0' })),
      'spec.clusterIP',
      "must be empty, 'None', or a valid IPv4 address",
    );
    expectOnly(
      validateObject(newService({ clusterIP: 'None', type: 'NodePort' })),
      'spec.clusterIP',
      "may not be set to 'None' for NodePort services",
    );
  });

  it('allows loadBalancerIP only on LoadBalancer services', () => {
    expect(validateObject(newService({ type: 'LoadBalancer', loadBalancerIP: '127.0.2.1' }))).toEqual([]);
    expectOnly(
      validateObject(newService({ loadBalancerIP: '127.0.2.1' })),
      'spec.loadBalancerIP',
      "may only be used when `type` is 'LoadBalancer'",
    );
    expectOnly(
      validateObject(newService({ type: 'LoadBalancer', loadBalancerIP: 'x' })),
      'spec.loadBalancerIP',
      'must be a valid IPv4 address',
    );
  });

  it('keeps clusterIP immutable once set, and lets it be assigned once', () => {
    const created = applyDefaults(newService());
    const allocated = structuredClone(created);
    allocated.spec!.clusterIP = '10.96.0.10';
    expect(validateObject(allocated, created)).toEqual([]);
    const changed = structuredClone(allocated);
    changed.spec!.clusterIP = '10.96.0.11';
    expectOnly(validateObject(changed, allocated), 'spec.clusterIP', 'field is immutable');
    const cleared = structuredClone(allocated);
    delete cleared.spec!.clusterIP;
    expectOnly(validateObject(cleared, allocated), 'spec.clusterIP', 'field is immutable');
  });
});

describe('Endpoints', () => {
  it('checks address IPs, hostnames and node names', () => {
    const ep = newEndpoints();
    ep.subsets = [{ addresses: [{ ip: '10.244.0.300', hostname: 'Web', nodeName: 'node_1' }], ports: [{ port: 80 }] }];
    const violations = validateObject(ep);
    expectViolation(violations, 'subsets[0].addresses[0].ip', 'must be a valid IPv4 address');
    expectViolation(violations, 'subsets[0].addresses[0].hostname', 'a lowercase RFC 1123 label');
    expectViolation(violations, 'subsets[0].addresses[0].nodeName', 'a lowercase RFC 1123 subdomain');
    expect(violations).toHaveLength(3);
  });

  it('refuses loopback, link-local, multicast and unspecified addresses, ready or not', () => {
    const ep = newEndpoints();
    const bad = ['127.0.0.1', '169.254.169.254', '239.1.2.3', '0.0.0.0'];
    ep.subsets = [
      { addresses: bad.map((ip) => ({ ip })), notReadyAddresses: [{ ip: '127.5.5.5' }], ports: [{ port: 80 }] },
    ];
    const violations = validateObject(ep);
    expectViolation(violations, 'subsets[0].addresses[0].ip', 'may not be in the loopback range');
    expectViolation(violations, 'subsets[0].addresses[1].ip', 'may not be in the link-local range');
    expectViolation(violations, 'subsets[0].addresses[2].ip', 'may not be in the multicast range');
    expectViolation(violations, 'subsets[0].addresses[3].ip', 'may not be unspecified');
    expectViolation(violations, 'subsets[0].notReadyAddresses[0].ip', 'may not be in the loopback range');
    expect(violations).toHaveLength(5);
  });

  it('requires addresses or notReadyAddresses in a subset', () => {
    const ep = newEndpoints();
    ep.subsets = [{ ports: [{ port: 80 }] }];
    expectOnly(validateObject(ep), 'subsets[0]', 'must specify `addresses` or `notReadyAddresses`');
    ep.subsets = [{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }];
    expect(validateObject(ep)).toEqual([]);
  });

  it('checks ports', () => {
    const ep = newEndpoints();
    ep.subsets = [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { port: 0, name: 'b' }] }];
    const violations = validateObject(ep);
    expectViolation(violations, 'subsets[0].ports[0].name', 'Required value');
    expectViolation(violations, 'subsets[0].ports[1].port', 'must be between 1 and 65535');
    expect(violations).toHaveLength(2);
  });
});
