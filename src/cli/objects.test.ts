import { describe, expect, it } from 'vitest';
import { toInput, toManifest } from './objects.ts';

describe('toManifest', () => {
  it('turns key/value lists into maps and drops nulls, empties and computed fields', () => {
    const fromApi = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'web',
        namespace: 'default',
        labels: [{ key: 'app', value: 'web' }],
        annotations: [],
        deletionTimestamp: null,
      },
      spec: {
        type: 'NodePort',
        selector: [{ key: 'app', value: 'web' }],
        ports: [{ port: 80, nodePort: 31234, name: null }],
      },
      status: { loadBalancer: { ingress: [] } },
      displayStatus: 'x',
    };
    expect(toManifest(fromApi)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 31234 }] },
    });
  });

  it('keeps a Deployment selector structured and converts its matchLabels', () => {
    const spec = { selector: { matchLabels: [{ key: 'app', value: 'web' }], matchExpressions: null } };
    expect(toManifest({ kind: 'Deployment', spec })).toEqual({
      kind: 'Deployment',
      spec: { selector: { matchLabels: { app: 'web' } } },
    });
  });
});

describe('toInput', () => {
  it('writes maps as key/value lists and leaves out what the server assigns', () => {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web', uid: 'u', resourceVersion: '7', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { app: 'web' }, template: { spec: { nodeSelector: { disk: 'ssd' } } } },
      status: { replicas: 2 },
    };
    expect(toInput(manifest)).toEqual({
      metadata: { name: 'web', labels: [{ key: 'app', value: 'web' }] },
      spec: {
        replicas: 2,
        selector: [{ key: 'app', value: 'web' }],
        template: { spec: { nodeSelector: [{ key: 'disk', value: 'ssd' }] } },
      },
    });
  });

  it('keeps a structured Deployment selector and converts its matchLabels', () => {
    expect(toInput({ metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } } } })).toEqual({
      metadata: { name: 'd' },
      spec: { selector: { matchLabels: [{ key: 'app', value: 'd' }] } },
    });
  });
});
