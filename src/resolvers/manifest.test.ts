import { describe, expect, it } from 'vitest';
import { isCapstanError } from '../api/errors.ts';
import { parseManifest, threeWayMerge } from './manifest.ts';

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isCapstanError(err, 'INVALID')) return err.message;
    throw err;
  }
  throw new Error('expected an INVALID error');
}

const manifest = `# a namespace and a deployment
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: hello:1
status:
  replicas: 9
---
`;

describe('parseManifest', () => {
  it('reads every document with its kind, index and line, dropping status', () => {
    const docs = parseManifest(manifest);
    expect(docs.map((d) => [d.index, d.kind, d.line])).toEqual([
      [0, 'Namespace', 2],
      [1, 'Deployment', 7],
    ]);
    expect(docs[1]!.object.metadata).toEqual({ name: 'web', namespace: 'shop' });
    expect(docs[1]!.object).not.toHaveProperty('status');
    expect((docs[1]!.object as { spec: { replicas: number } }).spec.replicas).toBe(2);
  });

  it('names the document and line of an unknown kind or apiVersion', () => {
    const unknownKind =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: b}\n';
    expect(invalidMessage(() => parseManifest(unknownKind))).toMatch(/document 1 \(line 5\).*CronJob/);
    const wrongVersion = 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: a}\n';
    expect(invalidMessage(() => parseManifest(wrongVersion))).toMatch(/document 0 \(line 1\).*apps\/v1/);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(invalidMessage(() => parseManifest('kind: Pod\nmetadata:\n  name: [a\n'))).toMatch(/line \d+, column \d+/);
  });

  it('requires a name', () => {
    expect(invalidMessage(() => parseManifest('apiVersion: v1\nkind: Pod\nspec: {}\n'))).toMatch(/metadata.name/);
  });
});

describe('threeWayMerge', () => {
  it('keeps fields set by others, replaces lists and drops fields removed from the configuration', () => {
    const live = {
      replicas: 5,
      clusterIP: '10.0.0.7',
      ports: [{ port: 80 }, { port: 81 }],
      old: 'x',
      keep: { a: 1, b: 2 },
    };
    const lastApplied = { ports: [{ port: 80 }, { port: 81 }], old: 'x', keep: { a: 1 } };
    const desired = { ports: [{ port: 8080 }], keep: { a: 3 } };
    expect(threeWayMerge(live, lastApplied, desired)).toEqual({
      replicas: 5,
      clusterIP: '10.0.0.7',
      ports: [{ port: 8080 }],
      keep: { a: 3, b: 2 },
    });
  });
});

describe('hostile YAML (found by fuzzing: an alias bomb answered INTERNAL_SERVER_ERROR)', () => {
  it('refuses a billion-laughs document with INVALID naming the document', async () => {
    const { parseManifest: parse } = await import('./manifest.ts');
    const bomb =
      'a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n' +
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    let error: unknown;
    try {
      parse(bomb);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'INVALID', violations: [{ field: 'manifest[0]' }] });
    expect((error as Error).message).toMatch(/alias/i);
  });
});
