import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults.ts';
import type { ConfigMap, Secret } from '../types.ts';
import { validateConfigMap, validateSecret } from './config.ts';

const meta = { name: 'x', namespace: 'default', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('ConfigMap and Secret validation', () => {
  it('checks keys, base64 and the 1 MiB limit', () => {
    const cm: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta,
      data: { 'bad key': 'v', big: 'x'.repeat(1_048_577) },
    };
    const fields = validateConfigMap(cm).map((v) => v.field);
    expect(fields).toContain('data[bad key]');
    expect(fields).toContain('data');
    const s: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: meta, data: { a: 'not base64!' } };
    expect(validateSecret(s)).toEqual([{ field: 'data[a]', message: 'Invalid value: must be base64-encoded' }]);
  });

  it('requires the keys of each Secret type and never shows values', () => {
    const tls: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64('top-secret') },
    };
    const violations = validateSecret(tls);
    expect(violations.map((v) => v.field)).toEqual(['data[tls.key]']);
    expect(JSON.stringify(violations)).not.toContain('top-secret');
    const basic: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      type: 'kubernetes.io/basic-auth',
      data: {},
    };
    expect(validateSecret(basic)[0]?.field).toBe('data');
    const docker: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{}') },
    };
    expect(validateSecret(docker)[0]?.message).toMatch(/auths/);
  });

  it('merges stringData into data and keeps immutable objects unchanged', () => {
    const s = applyDefaults<Secret>({ apiVersion: 'v1', kind: 'Secret', metadata: meta, stringData: { p: 'pw' } });
    expect(s).toMatchObject({ type: 'Opaque', data: { p: b64('pw') } });
    expect(s.stringData).toBeUndefined();
    const old: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { a: '1' }, immutable: true };
    expect(validateConfigMap({ ...old, data: { a: '2' } }, old).map((v) => v.field)).toEqual(['data']);
  });

  it('refuses stringData that is not a map of strings, naming the key and not the value', () => {
    const s = applyDefaults<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      stringData: { p: 'pw', n: 12345 } as unknown as Record<string, string>,
    });
    const violations = validateSecret(s);
    expect(violations).toEqual([{ field: 'stringData[n]', message: 'Invalid value: must be a string' }]);
    expect(JSON.stringify(violations)).not.toContain('12345');
    const list = applyDefaults<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      stringData: ['pw'] as unknown as Record<string, string>,
    });
    expect(validateSecret(list).map((v) => v.field)).toEqual(['stringData']);
  });
});
