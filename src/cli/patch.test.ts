import { describe, expect, it } from 'vitest';
import { applyPatch, jsonPatch, mergeKeyOf, mergePatch, strategicMergePatch } from './patch.ts';

function deployment(containers: unknown[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
    spec: { replicas: 2, template: { spec: { containers } } },
  };
}

const WEB = { name: 'web', image: 'capstan/hello', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] };
const SIDE = { name: 'side', image: 'capstan/busybox', args: ['sleep', '1'] };

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, removes keys set to null and replaces lists and scalars', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], s: 'x' }, { a: { b: null, d: 3 }, l: [3], s: 'y' })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
      s: 'y',
    });
  });

  it('follows the examples of RFC 7386 appendix A', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(mergePatch({ a: 'b', b: 'c' }, { a: null })).toEqual({ b: 'c' });
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ a: 'foo' }, 'bar')).toBe('bar');
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it('leaves the target as it was', () => {
    const target = { a: { b: 1 } };
    mergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('strategicMergePatch', () => {
  it('merges a container by name, keeping the others and the fields not named', () => {
    const patched = strategicMergePatch('Deployment', deployment([WEB, SIDE]), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'capstan/hello:2' }] } } },
    }) as ReturnType<typeof deployment>;
    expect(patched.spec.template.spec.containers).toEqual([{ ...WEB, image: 'capstan/hello:2' }, SIDE]);
  });

  it('adds new items, merges env by name and ports by containerPort, and deletes with $patch: delete', () => {
    const patched = strategicMergePatch('Deployment', deployment([WEB, SIDE]), {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'web',
                env: [
                  { name: 'B', value: '2' },
                  { name: 'A', value: 'one' },
                ],
                ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
              },
              { name: 'side', $patch: 'delete' },
              { name: 'new', image: 'capstan/hello' },
            ],
          },
        },
      },
    }) as ReturnType<typeof deployment>;
    expect(patched.spec.template.spec.containers).toEqual([
      {
        ...WEB,
        env: [
          { name: 'A', value: 'one' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }],
      },
      { name: 'new', image: 'capstan/hello' },
    ]);
  });

  it('replaces the lists it has no key for, and merges maps as a merge patch does', () => {
    const patched = strategicMergePatch('Deployment', deployment([SIDE]), {
      metadata: { labels: { tier: null, team: 'a' } },
      spec: { template: { spec: { containers: [{ name: 'side', args: ['sleep', '9'] }] } } },
    }) as ReturnType<typeof deployment>;
    expect(patched.metadata.labels).toEqual({ app: 'web', team: 'a' });
    expect(patched.spec.template.spec.containers).toEqual([{ ...SIDE, args: ['sleep', '9'] }]);
  });

  it('merges a Service’s ports by port', () => {
    const service = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    expect(strategicMergePatch('Service', service, { spec: { ports: [{ port: 80, targetPort: 9090 }] } })).toEqual({
      spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] },
    });
  });

  it('knows the merge keys of the lists it covers, and none for others', () => {
    expect(mergeKeyOf('Pod', ['spec', 'containers'])).toBe('name');
    expect(mergeKeyOf('Pod', ['spec', 'initContainers', 'volumeMounts'])).toBe('mountPath');
    expect(mergeKeyOf('Deployment', ['spec', 'template', 'spec', 'volumes'])).toBe('name');
    expect(mergeKeyOf('Service', ['spec', 'ports'])).toBe('port');
    expect(mergeKeyOf('Pod', ['spec', 'containers', 'args'])).toBeUndefined();
    expect(mergeKeyOf('Pod', ['spec', 'tolerations'])).toBeUndefined();
  });

  it('refuses an item without its merge key and directives it does not support', () => {
    const target = deployment([WEB]);
    expect(() =>
      strategicMergePatch('Deployment', target, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    ).toThrow('every item of spec.template.spec.containers needs its merge key "name"');
    expect(() => strategicMergePatch('Deployment', target, { spec: { $retainKeys: ['replicas'] } })).toThrow(
      'the directive "$retainKeys" is not supported',
    );
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { metadata: { labels: { 'a/b': 'x' } }, spec: { replicas: 2, list: [1, 2, 3] } };

  it('adds, removes, replaces, moves, copies and tests', () => {
    expect(
      jsonPatch(doc, [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/spec/list/1', value: 9 },
        { op: 'add', path: '/spec/list/-', value: 4 },
        { op: 'remove', path: '/spec/list/0' },
        { op: 'copy', from: '/metadata/labels/a~1b', path: '/metadata/labels/c' },
        { op: 'move', from: '/metadata/labels/a~1b', path: '/metadata/labels/d' },
      ]),
    ).toEqual({ metadata: { labels: { c: 'x', d: 'x' } }, spec: { replicas: 3, list: [9, 2, 3, 4] } });
    expect(doc.spec.replicas).toBe(2);
  });

  it('fails naming the operation on a failed test or a path that is not there', () => {
    expect(() =>
      jsonPatch(doc, [
        { op: 'add', path: '/spec/x', value: 1 },
        { op: 'test', path: '/spec/replicas', value: 5 },
      ]),
    ).toThrow('json patch operation 2 (test /spec/replicas) failed: the value at "/spec/replicas" is 2, not 5');
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/spec/nope', value: 1 }])).toThrow(
      'json patch operation 1 (replace /spec/nope) failed: the path "/spec/nope" does not exist',
    );
    expect(() => jsonPatch(doc, [{ op: 'add', path: '/nope/x', value: 1 }])).toThrow(
      'operation 1 (add /nope/x) failed: the path "/nope" does not exist',
    );
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/spec/list/7' }])).toThrow('index 7 is out of range');
    expect(() => jsonPatch(doc, [{ op: 'frob', path: '/a' }])).toThrow('op must be add, remove, replace');
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow('a json patch must be a list of operations');
  });
});

describe('applyPatch', () => {
  it('refuses a merge patch that is not an object', () => {
    expect(() => applyPatch('Pod', 'merge', { kind: 'Pod' }, [1])).toThrow('a merge patch must be an object');
  });
});
