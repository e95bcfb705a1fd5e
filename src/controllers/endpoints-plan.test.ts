import { describe, expect, it } from 'vitest';
import type { Container, Service, ServiceSpec } from '../api/types.ts';
import { computeEndpoints, endpointsEqual, hasSelector } from './endpoints-plan.ts';
import { newNode, newPod } from './test-fixtures.ts';

function newService(spec: Partial<ServiceSpec> = {}, name = 'web'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      uid: `svc-${name}`,
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '',
    },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec },
  };
}

const httpContainer = (port: number): Container => ({
  name: 'app',
  image: 'hello:1',
  ports: [{ name: 'http', containerPort: port }],
});

describe('computeEndpoints', () => {
  it('lists ready pods as addresses and unready ones apart, with nodeName and targetRef', () => {
    const ready = newPod({ name: 'a', podIP: '10.1.0.10', nodeName: 'n1', readySince: 0 });
    const starting = newPod({ name: 'b', podIP: '10.1.0.9', nodeName: 'n2' });
    expect(computeEndpoints(newService(), [ready, starting])).toEqual([
      {
        addresses: [
          {
            ip: '10.1.0.10',
            nodeName: 'n1',
            targetRef: { kind: 'Pod', name: 'a', namespace: 'default', uid: ready.metadata.uid },
          },
        ],
        notReadyAddresses: [expect.objectContaining({ ip: '10.1.0.9', nodeName: 'n2' })],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('leaves out pods without an IP, terminating or terminated pods, other namespaces and non-matching labels', () => {
    const pods = [
      newPod({ nodeName: 'n1', readySince: 0 }),
      newPod({ podIP: '10.0.0.1', deleting: true, readySince: 0 }),
      newPod({ podIP: '10.0.0.2', phase: 'Failed' }),
      newPod({ podIP: '10.0.0.3', namespace: 'other', readySince: 0 }),
      newPod({ podIP: '10.0.0.4', labels: { app: 'db' }, readySince: 0 }),
    ];
    expect(computeEndpoints(newService(), pods)).toEqual([]);
  });

  it('never publishes a loopback, link-local, multicast or unspecified pod IP', () => {
    const ips = ['127.0.0.1', '169.254.169.254', '224.0.0.1', '0.0.0.0'];
    const pods = ips.map((podIP, i) => newPod({ name: `p${i}`, podIP, readySince: 0 }));
    expect(computeEndpoints(newService(), pods)).toEqual([]);
  });

  it('resolves a named targetPort per pod and splits pods that map it to different numbers', () => {
    const service = newService({ ports: [{ name: 'web', port: 80, targetPort: 'http' }] });
    const pods = [
      newPod({ podIP: '10.0.0.1', readySince: 0, containers: [httpContainer(8080)] }),
      newPod({ podIP: '10.0.0.2', readySince: 0, containers: [httpContainer(9090)] }),
      newPod({ podIP: '10.0.0.3', readySince: 0, containers: [httpContainer(8080)] }),
      newPod({ podIP: '10.0.0.4', readySince: 0, containers: [{ name: 'app', image: 'x' }] }),
    ];
    const subsets = computeEndpoints(service, pods);
    expect(subsets.map((s) => [s.ports?.[0]?.port, s.addresses?.map((a) => a.ip)])).toEqual([
      [8080, ['10.0.0.1', '10.0.0.3']],
      [9090, ['10.0.0.2']],
    ]);
  });

  it("uses the service port when there is no targetPort and publishes the pod's host ports for the subset", () => {
    const service = newService({ ports: [{ port: 80 }] });
    const pod = newPod({ podIP: '10.0.0.1', hostIP: '127.0.1.2', nodeName: 'n1', readySince: 0 });
    pod.status!.hostPorts = [
      { containerPort: 80, protocol: 'TCP', hostIP: '127.0.1.2', hostPort: 31080 },
      { containerPort: 9000, protocol: 'TCP', hostIP: '127.0.1.2', hostPort: 31900 },
    ];
    const [subset] = computeEndpoints(service, [pod]);
    expect(subset?.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    expect(subset?.addresses?.[0]).toMatchObject({
      hostIP: '127.0.1.2',
      hostPorts: [{ containerPort: 80, protocol: 'TCP', hostIP: '127.0.1.2', hostPort: 31080 }],
    });
  });

  it("falls back to the node's InternalIP for hostIP", () => {
    const nodes = new Map([['n1', newNode({ name: 'n1', address: '127.0.1.7' })]]);
    const pod = newPod({ podIP: '10.0.0.1', nodeName: 'n1', readySince: 0 });
    expect(computeEndpoints(newService(), [pod], nodes)[0]?.addresses?.[0]?.hostIP).toBe('127.0.1.7');
  });

  it('sets hostname for pods naming the headless service as their subdomain', () => {
    const service = newService({ clusterIP: 'None', ports: [] });
    const pod = newPod({ podIP: '10.0.0.1', readySince: 0 });
    pod.spec = { ...pod.spec!, hostname: 'web-0', subdomain: 'web' };
    expect(computeEndpoints(service, [pod])).toEqual([{ addresses: [expect.objectContaining({ hostname: 'web-0' })] }]);
    expect(computeEndpoints(newService({ ports: [] }), [pod])).toEqual([]);
  });

  it('does not manage services without a selector', () => {
    const service = newService({ selector: undefined });
    expect(hasSelector(service)).toBe(false);
    expect(computeEndpoints(service, [newPod({ podIP: '10.0.0.1', readySince: 0 })])).toEqual([]);
  });

  it('gives an equal result for the same pods in any order', () => {
    const pods = Array.from({ length: 12 }, (_, i) =>
      newPod({ podIP: `10.0.0.${i + 1}`, readySince: i % 3 === 0 ? undefined : 0 }),
    );
    const forward = computeEndpoints(newService(), pods);
    const backward = computeEndpoints(newService(), [...pods].reverse());
    expect(endpointsEqual(forward, backward)).toBe(true);
    expect(forward[0]?.addresses?.map((a) => a.ip).slice(0, 3)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.5']);
  });
});

describe('endpointsEqual', () => {
  it('treats missing and empty lists alike but notices a changed address', () => {
    expect(endpointsEqual(undefined, [])).toBe(true);
    expect(
      endpointsEqual(
        [{ addresses: [{ ip: '10.0.0.1' }], notReadyAddresses: [] }],
        [{ addresses: [{ ip: '10.0.0.1' }] }],
      ),
    ).toBe(true);
    expect(endpointsEqual([{ addresses: [{ ip: '10.0.0.1' }] }], [{ addresses: [{ ip: '10.0.0.2' }] }])).toBe(false);
    expect(endpointsEqual([{ addresses: [{ ip: '10.0.0.1' }] }], [{ notReadyAddresses: [{ ip: '10.0.0.1' }] }])).toBe(
      false,
    );
  });
});
