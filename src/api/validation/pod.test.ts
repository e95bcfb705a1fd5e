import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.ts';
import type { Container, Pod, Probe } from '../types.ts';
import { validateObject } from '../validation.ts';
import { expectOnly, expectViolation, newContainer, newPod } from './test-fixtures.ts';

const C0 = 'spec.containers[0]';

function podWith(container: Partial<Container>, extra: Parameters<typeof newPod>[0] = {}): Pod {
  return newPod({ ...extra, spec: { containers: [newContainer(container)], ...extra.spec } });
}

describe('Pod containers', () => {
  it('requires at least one container', () => {
    expectOnly(validateObject(newPod({ spec: { containers: [] } })), 'spec.containers', 'Required value');
  });

  it('checks container names as DNS labels and unique', () => {
    expectOnly(validateObject(podWith({ name: 'Web_1' })), `${C0}.name`, 'a lowercase RFC 1123 label');
    expectOnly(validateObject(podWith({ name: 'w'.repeat(64) })), `${C0}.name`, 'must be no more than 63 characters');
    expectOnly(validateObject(podWith({ name: '' })), `${C0}.name`, 'Required value');
    const pod = newPod({ spec: { containers: [newContainer(), newContainer()] } });
    expectOnly(validateObject(pod), 'spec.containers[1].name', 'Duplicate value: "web"');
  });

  it('requires an image without surrounding whitespace', () => {
    expectOnly(validateObject(podWith({ image: '' })), `${C0}.image`, 'Required value');
    expectOnly(
      validateObject(podWith({ image: ' nginx' })),
      `${C0}.image`,
      'must not have leading or trailing whitespace',
    );
  });

  it('checks imagePullPolicy against its values', () => {
    const pod = podWith({ imagePullPolicy: 'Sometimes' as Container['imagePullPolicy'] });
    expectOnly(
      validateObject(pod),
      `${C0}.imagePullPolicy`,
      'Unsupported value: "Sometimes": supported values: "Always"',
    );
  });

  it('checks container port numbers', () => {
    const range = 'must be between 1 and 65535, inclusive';
    expectOnly(
      validateObject(podWith({ ports: [{ containerPort: 0 }] })),
      `${C0}.ports[0].containerPort`,
      'Required value',
    );
    expectOnly(validateObject(podWith({ ports: [{ containerPort: 70000 }] })), `${C0}.ports[0].containerPort`, range);
    expectOnly(
      validateObject(podWith({ ports: [{ containerPort: 80, hostPort: -1 }] })),
      `${C0}.ports[0].hostPort`,
      range,
    );
  });

  it.each([
    ['abcdefghijklmnop', 'must be no more than 15 characters'],
    ['web_1', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    ['8080', 'must contain at least one letter (a-z)'],
    ['web--ui', 'must not contain consecutive hyphens'],
    ['-web', 'must not begin or end with a hyphen'],
  ])('rejects the port name %j: %s', (name, rule) => {
    expectOnly(validateObject(podWith({ ports: [{ containerPort: 80, name }] })), `${C0}.ports[0].name`, rule);
  });

  it('requires unique port names and a known protocol', () => {
    const ports = [
      { containerPort: 80, name: 'http' },
      { containerPort: 81, name: 'http' },
    ];
    expectOnly(validateObject(podWith({ ports })), `${C0}.ports[1].name`, 'Duplicate value: "http"');
    const sctp = podWith({ ports: [{ containerPort: 80, protocol: 'SCTP' as 'TCP' }] });
    expectOnly(validateObject(sctp), `${C0}.ports[0].protocol`, 'supported values: "TCP", "UDP"');
  });

  it('rejects two containers publishing the same host port and protocol', () => {
    const pod = newPod({
      spec: {
        containers: [
          newContainer({ ports: [{ containerPort: 80, hostPort: 8080 }] }),
          newContainer({ name: 'sidecar', ports: [{ containerPort: 81, hostPort: 8080 }] }),
        ],
      },
    });
    expectOnly(validateObject(pod), 'spec.containers[1].ports[0].hostPort', 'Duplicate value: "8080/TCP"');
    pod.spec!.containers[1]!.ports![0]!.protocol = 'UDP';
    expect(validateObject(pod)).toEqual([]);
  });

  it('checks env names with the Kubernetes rule', () => {
    expect(validateObject(podWith({ env: [{ name: 'MY_VAR.x-y', value: '1' }, { name: '_A' }] }))).toEqual([]);
    expectOnly(
      validateObject(podWith({ env: [{ name: '1ABC', value: 'x' }] })),
      `${C0}.env[0].name`,
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
    );
    expectOnly(validateObject(podWith({ env: [{ name: '..x' }] })), `${C0}.env[0].name`, "must not start with '..'");
    expectOnly(validateObject(podWith({ env: [{ name: '' }] })), `${C0}.env[0].name`, 'Required value');
  });

  it('checks env valueFrom', () => {
    const fieldRef = (fieldPath: string) => ({ fieldRef: { fieldPath } });
    expect(
      validateObject(
        podWith({
          env: [
            { name: 'POD', valueFrom: fieldRef('metadata.name') },
            { name: 'APP', valueFrom: fieldRef("metadata.labels['app']") },
          ],
        }),
      ),
    ).toEqual([]);
    expectOnly(
      validateObject(podWith({ env: [{ name: 'A', value: 'x', valueFrom: fieldRef('metadata.name') }] })),
      `${C0}.env[0].valueFrom`,
      'may not be specified when `value` is not empty',
    );
    expectOnly(
      validateObject(podWith({ env: [{ name: 'A', valueFrom: fieldRef('spec.containers') }] })),
      `${C0}.env[0].valueFrom.fieldRef.fieldPath`,
      'Unsupported value: "spec.containers"',
    );
  });

  it('checks resource quantities and that requests fit in limits', () => {
    const bad = podWith({ resources: { limits: { cpu: 'lots' } } });
    expectOnly(validateObject(bad), `${C0}.resources.limits[cpu]`, 'quantities must match the regular expression');
    const negative = podWith({ resources: { requests: { memory: '-1Mi' } } });
    expectOnly(validateObject(negative), `${C0}.resources.requests[memory]`, 'must be greater than or equal to 0');
    const over = podWith({ resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } });
    expectOnly(
      validateObject(over),
      `${C0}.resources.requests[cpu]`,
      'must be less than or equal to cpu limit of 1500m',
    );
    const ok = podWith({
      resources: { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: 1, memory: '1Gi' } as never },
    });
    expect(validateObject(ok)).toEqual([]);
  });
});

describe('Pod volumes and mounts', () => {
  const withVolumes = (volumes: NonNullable<Pod['spec']>['volumes'], container: Partial<Container> = {}): Pod =>
    newPod({ spec: { volumes, containers: [newContainer(container)] } });

  it('accepts emptyDir, hostPath and persistentVolumeClaim volumes mounted by name', () => {
    const pod = withVolumes(
      [
        { name: 'scratch', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
      {
        volumeMounts: [
          { name: 'data', mountPath: '/data', subPath: 'web' },
          { name: 'logs', mountPath: '/logs' },
        ],
      },
    );
    expect(validateObject(pod)).toEqual([]);
  });

  it('checks volume names as unique DNS labels', () => {
    expectOnly(
      validateObject(withVolumes([{ name: 'Data', emptyDir: {} }])),
      'spec.volumes[0].name',
      'a lowercase RFC 1123 label',
    );
    const dup = withVolumes([
      { name: 'data', emptyDir: {} },
      { name: 'data', emptyDir: {} },
    ]);
    expectOnly(validateObject(dup), 'spec.volumes[1].name', 'Duplicate value: "data"');
  });

  it('requires exactly one volume source', () => {
    expectOnly(validateObject(withVolumes([{ name: 'data' }])), 'spec.volumes[0]', 'must specify a volume type');
    const two = withVolumes([{ name: 'data', emptyDir: {}, hostPath: { path: '/srv' } }]);
    expectOnly(validateObject(two), 'spec.volumes[0].hostPath', 'may not specify more than 1 volume type');
  });

  it('checks volume source fields', () => {
    const hostPath = (path: string) => withVolumes([{ name: 'h', hostPath: { path } }]);
    expectOnly(validateObject(hostPath('srv')), 'spec.volumes[0].hostPath.path', 'must be an absolute path');
    expectOnly(validateObject(hostPath('/srv/../etc')), 'spec.volumes[0].hostPath.path', "must not contain '..'");
    const pvc = withVolumes([{ name: 'd', persistentVolumeClaim: { claimName: '' } }]);
    expectOnly(validateObject(pvc), 'spec.volumes[0].persistentVolumeClaim.claimName', 'Required value');
    const size = withVolumes([{ name: 'd', emptyDir: { sizeLimit: 'big' } }]);
    expectOnly(validateObject(size), 'spec.volumes[0].emptyDir.sizeLimit', 'quantities must match');
  });

  it('checks volume mounts', () => {
    const vols = [{ name: 'data', emptyDir: {} }];
    const M0 = `${C0}.volumeMounts[0]`;
    expectOnly(
      validateObject(withVolumes(vols, { volumeMounts: [{ name: 'cache', mountPath: '/c' }] })),
      `${M0}.name`,
      'Not found: "cache"',
    );
    expectOnly(
      validateObject(withVolumes(vols, { volumeMounts: [{ name: 'data', mountPath: 'data' }] })),
      `${M0}.mountPath`,
      'must be an absolute path',
    );
    const twice = withVolumes(vols, {
      volumeMounts: [
        { name: 'data', mountPath: '/d' },
        { name: 'data', mountPath: '/d' },
      ],
    });
    expectOnly(validateObject(twice), `${C0}.volumeMounts[1].mountPath`, 'must be unique');
    const sub = (subPath: string) => withVolumes(vols, { volumeMounts: [{ name: 'data', mountPath: '/d', subPath }] });
    expectOnly(validateObject(sub('/abs')), `${M0}.subPath`, 'must be a relative path');
    expectOnly(validateObject(sub('a/../../b')), `${M0}.subPath`, "must not contain '..'");
  });
});

describe('Pod probes', () => {
  const withProbe = (probe: Probe, kind: 'livenessProbe' | 'readinessProbe' = 'livenessProbe'): Pod =>
    podWith({ ports: [{ containerPort: 8080, name: 'http' }], [kind]: probe });
  const P = `${C0}.livenessProbe`;

  it('accepts a probe on a numbered or named port of the container', () => {
    expect(validateObject(withProbe({ httpGet: { port: 'http', path: '/healthz' } }))).toEqual([]);
    expect(validateObject(withProbe({ tcpSocket: { port: 8080 } }))).toEqual([]);
    expect(validateObject(withProbe({ exec: { command: ['true'] } }))).toEqual([]);
  });

  it('requires exactly one handler', () => {
    expectOnly(validateObject(withProbe({ periodSeconds: 5 })), P, 'must specify a handler type');
    const two = withProbe({ httpGet: { port: 80 }, tcpSocket: { port: 80 } });
    expectOnly(validateObject(two), `${P}.tcpSocket`, 'may not specify more than 1 handler type');
  });

  it('checks probe ports', () => {
    expectOnly(
      validateObject(withProbe({ httpGet: { port: 'metrics' } })),
      `${P}.httpGet.port`,
      'must be the name of a port of this container',
    );
    expectOnly(
      validateObject(withProbe({ tcpSocket: { port: 0 } })),
      `${P}.tcpSocket.port`,
      'must be between 1 and 65535, inclusive',
    );
    expectOnly(
      validateObject(withProbe({ tcpSocket: { port: 'Http' } })),
      `${P}.tcpSocket.port`,
      'must contain only alpha-numeric',
    );
  });

  it('checks probe timings and thresholds', () => {
    expectOnly(
      validateObject(withProbe({ exec: { command: ['true'] }, periodSeconds: -1 })),
      `${P}.periodSeconds`,
      'must be greater than or equal to 0',
    );
    expectOnly(
      validateObject(withProbe({ exec: { command: ['true'] }, successThreshold: 2 })),
      `${P}.successThreshold`,
      'must be 1',
    );
    expect(validateObject(withProbe({ exec: { command: ['true'] }, successThreshold: 2 }, 'readinessProbe'))).toEqual(
      [],
    );
  });

  it('checks exec commands and http headers', () => {
    expectOnly(validateObject(withProbe({ exec: { command: [] } })), `${P}.exec.command`, 'Required value');
    const header = withProbe({ httpGet: { port: 80, httpHeaders: [{ name: 'X Bad', value: '1' }] } });
    expectOnly(
      validateObject(header),
      `${P}.httpGet.httpHeaders[0].name`,
      'a valid HTTP header must consist of alphanumeric characters',
    );
  });
});

describe('Pod spec fields', () => {
  const withSpec = (spec: Partial<NonNullable<Pod['spec']>>) => newPod({ spec });

  it('checks restartPolicy, grace period, nodeName, hostname and nodeSelector', () => {
    expectOnly(
      validateObject(withSpec({ restartPolicy: 'Sometimes' as 'Always' })),
      'spec.restartPolicy',
      'supported values: "Always", "OnFailure", "Never"',
    );
    expectOnly(
      validateObject(withSpec({ terminationGracePeriodSeconds: -1 })),
      'spec.terminationGracePeriodSeconds',
      'must be greater than or equal to 0',
    );
    expectOnly(validateObject(withSpec({ nodeName: 'Node_1' })), 'spec.nodeName', 'a lowercase RFC 1123 subdomain');
    expectOnly(validateObject(withSpec({ hostname: 'a.b' })), 'spec.hostname', 'a lowercase RFC 1123 label');
    expectOnly(
      validateObject(withSpec({ nodeSelector: { 'bad key': 'x' } })),
      'spec.nodeSelector',
      'Invalid value: "bad key"',
    );
  });

  it('checks tolerations', () => {
    const T = 'spec.tolerations[0]';
    expect(
      validateObject(
        withSpec({ tolerations: [{ operator: 'Exists' }, { key: 'gpu', value: 'yes', effect: 'NoSchedule' }] }),
      ),
    ).toEqual([]);
    expectOnly(
      validateObject(withSpec({ tolerations: [{ value: 'x' }] })),
      `${T}.operator`,
      'operator must be Exists when `key` is empty',
    );
    expectOnly(
      validateObject(withSpec({ tolerations: [{ key: 'k', operator: 'Exists', value: 'x' }] })),
      `${T}.value`,
      "value must be empty when `operator` is 'Exists'",
    );
    expectOnly(
      validateObject(withSpec({ tolerations: [{ key: 'k', tolerationSeconds: 5, effect: 'NoSchedule' }] })),
      `${T}.effect`,
      "effect must be 'NoExecute' when `tolerationSeconds` is set",
    );
    expectOnly(
      validateObject(withSpec({ tolerations: [{ key: 'k', effect: 'Never' as 'NoSchedule' }] })),
      `${T}.effect`,
      'Unsupported value: "Never"',
    );
    expectOnly(
      validateObject(withSpec({ tolerations: [{ key: 'k', operator: 'Like' as 'Equal' }] })),
      `${T}.operator`,
      'supported values: "Equal", "Exists"',
    );
    expectOnly(
      validateObject(withSpec({ tolerations: [{ key: 'k', value: 'a b' }] })),
      `${T}.value`,
      'a valid label must be an empty string',
    );
  });

  it('reports paths inside nested lists', () => {
    const pod = newPod({ spec: { containers: [newContainer(), newContainer({ name: 'b', image: '' })] } });
    expectViolation(validateObject(pod), 'spec.containers[1].image', 'Required value');
  });
});

describe('Pod updates', () => {
  const stored = () => applyDefaults(newPod({ spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } }));

  it('allows changing container images, labels and adding tolerations', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec!.containers[0]!.image = 'capstan/hello:2';
    next.metadata.labels = { app: 'web' };
    next.spec!.tolerations!.push({ key: 'b', operator: 'Exists' });
    expect(validateObject(next, old)).toEqual([]);
  });

  it('allows binding: nodeName from unset to a node, once', () => {
    const old = stored();
    const bound = structuredClone(old);
    bound.spec!.nodeName = 'node-1';
    expect(validateObject(bound, old)).toEqual([]);
    const moved = structuredClone(bound);
    moved.spec!.nodeName = 'node-2';
    expectOnly(
      validateObject(moved, bound),
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`',
    );
  });

  it('forbids other spec changes', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec!.containers[0]!.command = ['sh'];
    expectOnly(validateObject(next, old), 'spec', 'pod updates may not change fields other than');
    const more = structuredClone(old);
    more.spec!.containers.push(newContainer({ name: 'sidecar' }));
    expectOnly(validateObject(applyDefaults(more), old), 'spec', 'pod updates may not change fields other than');
  });

  it('treats null fields of an update as absent', () => {
    const old = stored();
    const next = structuredClone(old);
    (next.spec as unknown as Record<string, unknown>).nodeName = null;
    (next.spec!.containers[0] as unknown as Record<string, unknown>).command = null;
    expect(validateObject(next, old)).toEqual([]);
  });

  it('forbids removing a toleration', () => {
    const old = stored();
    const next = structuredClone(old);
    next.spec!.tolerations = [];
    expectOnly(validateObject(next, old), 'spec.tolerations', 'existing toleration can not be modified or removed');
  });
});

describe('Pod status', () => {
  it('holds status.podIP to the endpoint address rules', () => {
    const withIP = (podIP: string) => ({ ...newPod(), status: { podIP } });
    expect(validateObject(withIP('10.244.0.7'))).toEqual([]);
    expectOnly(validateObject(withIP('127.0.0.1')), 'status.podIP', 'may not be in the loopback range');
    expectOnly(validateObject(withIP('169.254.169.254')), 'status.podIP', 'may not be in the link-local range');
    expectOnly(validateObject(withIP('10.1.2')), 'status.podIP', 'must be a valid IPv4 address');
  });
});
