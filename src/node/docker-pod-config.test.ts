import { describe, expect, it } from 'vitest';
import {
  appContainerCreateOptions,
  claimVolumeName,
  hostsFile,
  planMounts,
  podHostname,
  resolvConf,
  sandboxCreateOptions,
} from './docker-pod-config.ts';
import { containerSpecHash } from './runtime.ts';
import type { SandboxInfo } from './runtime.ts';

const sandbox: SandboxInfo = {
  id: 'sandboxid',
  uid: 'u1',
  namespace: 'default',
  name: 'web',
  node: 'n1',
  podIP: '10.244.1.5',
  hostIP: '127.0.0.1',
  hostPorts: [],
  volumes: [
    { name: 'cache', emptyDir: {} },
    { name: 'host', hostPath: { path: '/srv/data', type: 'Directory' } },
    { name: 'db', persistentVolumeClaim: { claimName: 'pg', readOnly: true } },
  ],
  createdAt: '2024-01-01T00:00:00Z',
};

describe('resolvConf and hostsFile', () => {
  it('writes nameserver, search and options lines', () => {
    expect(
      resolvConf({
        nameservers: ['10.0.0.1'],
        searches: ['a.svc.cluster.local', 'cluster.local'],
        options: ['ndots:5'],
      }),
    ).toBe('nameserver 10.0.0.1\nsearch a.svc.cluster.local cluster.local\noptions ndots:5\n');
    expect(hostsFile('10.244.1.5', 'web')).toContain('10.244.1.5\tweb\n');
  });

  it('cuts the hostname to 63 characters without a trailing dash', () => {
    const name = `${'a'.repeat(62)}-bbb`;
    expect(podHostname({ name })).toBe('a'.repeat(62));
    expect(podHostname({ name: 'x', hostname: 'custom' })).toBe('custom');
  });
});

describe('sandboxCreateOptions', () => {
  it('starts the sandbox without a network (CNI wires it) and publishes no port through Docker', () => {
    const options = sandboxCreateOptions(
      {
        node: 'n1',
        uid: 'u1',
        namespace: 'default',
        name: 'web',
        hostIP: '127.0.1.2',
        ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }],
        dns: { nameservers: [], searches: [], options: [] },
        labels: { app: 'web', 'io.capstan.node': 'spoofed' },
      },
      'capstan/pause:latest',
      '/state',
    );
    expect(options.HostConfig?.NetworkMode).toBe('none');
    expect(options.HostConfig?.PortBindings).toBeUndefined();
    expect(options.ExposedPorts).toBeUndefined();
    expect(options.Hostname).toBe('web');
    expect(options.Labels).toMatchObject({ app: 'web', 'io.capstan.node': 'n1', 'io.capstan.container.name': 'POD' });
  });
});

describe('planMounts', () => {
  it('maps emptyDir, hostPath and PVC volumes, honouring readOnly and subPath', () => {
    const { mounts, subPaths } = planMounts(
      sandbox,
      {
        name: 'app',
        image: 'x',
        volumeMounts: [
          { name: 'cache', mountPath: '/cache', subPath: 'tmp' },
          { name: 'host', mountPath: '/host', readOnly: true },
          { name: 'db', mountPath: '/db' },
        ],
      },
      '/state',
      new Map(),
    );
    expect(mounts).toEqual([
      { Type: 'bind', Source: '/state/pods/u1/volume-subpaths/cache/app/0', Target: '/cache', ReadOnly: false },
      { Type: 'bind', Source: '/state/pods/u1/volume-subpaths/host/app/1', Target: '/host', ReadOnly: true },
      { Type: 'volume', Source: 'capstan-pvc-default_pg', Target: '/db', ReadOnly: true },
    ]);
    expect(subPaths).toEqual([
      {
        root: '/state/pods/u1/volumes/cache',
        subPath: 'tmp',
        target: '/state/pods/u1/volume-subpaths/cache/app/0',
        create: 'dir',
      },
      { root: '/', subPath: '/srv/data', target: '/state/pods/u1/volume-subpaths/host/app/1', create: 'none' },
    ]);
  });

  it('rejects unknown volumes and escaping subPaths with the field named', () => {
    expect(() =>
      planMounts(
        sandbox,
        {
          name: 'app',
          image: 'x',
          volumeMounts: [
            { name: 'nope', mountPath: '/a' },
            { name: 'cache', mountPath: '/b', subPath: '../etc' },
          ],
        },
        '/state',
        new Map(),
      ),
    ).toThrow(/volumeMounts\[0\]\.name: no volume named "nope".*volumeMounts\[1\]\.subPath/);
  });
});

describe('appContainerCreateOptions', () => {
  it('joins the sandbox network, runs with init, and maps command, args, env and limits', () => {
    const spec = {
      name: 'app',
      image: 'capstan/busybox:latest',
      command: ['sh', '-c'],
      args: ['echo hi'],
      env: [{ name: 'A', value: 'b=c' }],
      workingDir: '/w',
      resources: { limits: { cpu: '250m', memory: '128Mi' } },
    };
    const options = appContainerCreateOptions(sandbox, spec, 3, '/state', []);
    expect(options).toMatchObject({
      Entrypoint: ['sh', '-c'],
      Cmd: ['echo hi'],
      Env: ['A=b=c'],
      WorkingDir: '/w',
      Labels: { 'io.capstan.container.hash': containerSpecHash(spec), 'io.capstan.restart-count': '3' },
      HostConfig: { NetworkMode: 'container:sandboxid', Init: true, NanoCpus: 250_000_000, Memory: 134217728 },
    });
    expect(options.HostConfig?.Mounts?.map((m) => m.Target)).toEqual(['/etc/resolv.conf', '/etc/hosts']);
  });

  it('reports an unparsable limit as INVALID', () => {
    expect(() =>
      appContainerCreateOptions(
        sandbox,
        { name: 'app', image: 'x', resources: { limits: { cpu: 'lots' } } },
        0,
        '/s',
        [],
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID' }));
  });
});

describe('containerSpecHash', () => {
  it('ignores key order and changes with the spec', () => {
    const a = containerSpecHash({ name: 'x', image: 'i', env: [{ name: 'A', value: '1' }] });
    const b = containerSpecHash({ env: [{ value: '1', name: 'A' }], image: 'i', name: 'x' });
    expect(a).toBe(b);
    expect(containerSpecHash({ name: 'x', image: 'i', env: [{ name: 'A', value: '2' }] })).not.toBe(a);
  });
});

describe('claimVolumeName', () => {
  it('gives claims whose namespace and name join to the same text different volumes', () => {
    expect(claimVolumeName('a-b', 'c')).not.toBe(claimVolumeName('a', 'b-c'));
    expect(claimVolumeName('a-b', 'c')).toBe('capstan-pvc-a-b_c');
    const long = claimVolumeName('ns', 'x'.repeat(253));
    expect(long).toMatch(/^capstan-pvc-h-[0-9a-f]{64}$/);
    expect(long).not.toBe(claimVolumeName('ns', `${'x'.repeat(252)}y`));
  });
});
