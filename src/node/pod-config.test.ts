import { describe, expect, it } from 'vitest';
import type { ConfigMap, Pod, Secret } from '../api/types.ts';
import { configProblems, projectedFiles, pullCredentials, type PodConfig } from './pod-config.ts';
import { containerSpec } from './pod-spec.ts';
import { containerSpecHash } from './runtime.ts';

const meta = (name: string) => ({
  name,
  namespace: 'ns',
  uid: name,
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '',
});
const configMap = (data: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta('cm'),
  data,
});
const secret = (data: Record<string, string>, type: Secret['type'] = 'Opaque'): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: meta('s'),
  type,
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

function pod(
  spec: Partial<NonNullable<Pod['spec']>>,
  container: Partial<NonNullable<Pod['spec']>['containers'][0]> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('p'),
    spec: { containers: [{ name: 'app', image: 'x:1', ...container }], ...spec },
  };
}

const config = (cm?: ConfigMap, s?: Secret): PodConfig => ({
  configMaps: new Map([['cm', cm]]),
  secrets: new Map([['s', s]]),
});

describe('pod configuration from ConfigMaps and Secrets', () => {
  it('orders envFrom before env, applies prefixes and resolves key references', () => {
    const p = pod(
      {},
      {
        envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
        env: [
          { name: 'CM_A', value: 'literal wins' },
          { name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'password' } } },
        ],
      },
    );
    const spec = containerSpec(
      p,
      p.spec!.containers[0]!,
      { podIP: '', hostIP: '' },
      config(configMap({ A: '1', B: '2' }), secret({ password: 'pw' })),
    );
    expect(spec.env).toEqual([
      { name: 'CM_A', value: 'literal wins' },
      { name: 'CM_B', value: '2' },
      { name: 'PASS', value: 'pw' },
    ]);
  });

  it('leaves config-sourced values out of the spec hash, so a changed Secret restarts nothing', () => {
    const p = pod({}, { env: [{ name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'password' } } }] });
    const c = p.spec!.containers[0]!;
    const a = containerSpecHash(
      containerSpec(p, c, { podIP: '', hostIP: '' }, config(undefined, secret({ password: 'one' }))),
    );
    const b = containerSpecHash(
      containerSpec(p, c, { podIP: '', hostIP: '' }, config(undefined, secret({ password: 'two' }))),
    );
    expect(a).toBe(b);
  });

  it('names a missing reference as the kubelet does, unless it is optional', () => {
    const missing = pod({}, { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] });
    expect(configProblems(missing, config()).get('app')).toBe('configmap "cm" not found');
    expect(configProblems(missing, config(configMap({})))).toEqual(
      new Map([['app', "couldn't find key k in ConfigMap ns/cm"]]),
    );
    const optional = pod(
      {},
      { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: true } } }] },
    );
    expect(configProblems(optional, config()).size).toBe(0);
    const volume = pod(
      { volumes: [{ name: 'v', secret: { secretName: 's' } }] },
      { volumeMounts: [{ name: 'v', mountPath: '/s' }] },
    );
    expect(configProblems(volume, config()).get('app')).toBe(
      'MountVolume.SetUp failed for volume "v": secret "s" not found',
    );
  });

  it('projects every key, or the items with their paths and modes', () => {
    const p = pod({});
    const all = projectedFiles(
      p,
      { name: 'v', configMap: { name: 'cm', defaultMode: 0o600 } },
      config(configMap({ a: 'A' })),
    );
    expect(all).toEqual([{ path: 'a', data: Buffer.from('A'), mode: 0o600 }]);
    const items = projectedFiles(
      p,
      { name: 'v', configMap: { name: 'cm', items: [{ key: 'a', path: 'sub/file', mode: 0o400 }] } },
      config(configMap({ a: 'A', b: 'B' })),
    );
    expect(items).toEqual([{ path: 'sub/file', data: Buffer.from('A'), mode: 0o400 }]);
    expect(projectedFiles(p, { name: 'v', secret: { secretName: 's', optional: true } }, config())).toEqual([]);
  });

  it('finds pull credentials for the image’s registry in a dockerconfigjson Secret', () => {
    const json = JSON.stringify({
      auths: { 'http://127.0.0.1:5000/v2/': { auth: Buffer.from('u:p:w').toString('base64') } },
    });
    const s = secret({ '.dockerconfigjson': json }, 'kubernetes.io/dockerconfigjson');
    const p = pod({ imagePullSecrets: [{ name: 's' }] });
    expect(pullCredentials(p, '127.0.0.1:5000/app:1', config(undefined, s))).toEqual({
      username: 'u',
      password: 'p:w',
      serveraddress: '127.0.0.1:5000',
    });
    expect(pullCredentials(p, '127.0.0.1:6000/app:1', config(undefined, s))).toBeUndefined();
  });
});
