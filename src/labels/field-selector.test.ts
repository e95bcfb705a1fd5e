import { describe, expect, it } from 'vitest';
import { CapstanError } from '../api/errors.ts';
import type { Event, KubeObject, Node, Pod } from '../api/types.ts';
import {
  escapeFieldValue,
  fieldsOf,
  parseFieldSelector,
  selectableFields,
  unescapeFieldValue,
} from './field-selector.ts';

/**
 * Cases follow k8s.io/apimachinery/pkg/fields/selector_test.go. Kubernetes' parser takes any field name; Capstan
 * checks fields, so its abstract names x, y, z, foo, baz become metadata.name, metadata.namespace, spec.nodeName.
 */

function newPod(options: { name?: string; namespace?: string; nodeName?: string; phase?: Pod['status'] } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: options.name ?? 'web-1',
      namespace: options.namespace ?? 'default',
      uid: 'u1',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
    spec: { containers: [{ name: 'c', image: 'hello' }], ...(options.nodeName ? { nodeName: options.nodeName } : {}) },
    ...(options.phase ? { status: options.phase } : {}),
  };
}

function newEvent(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { ...newPod().metadata, name: 'web-1.abc' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u1' },
    reason: 'Scheduled',
    message: 'assigned to n1',
    type: 'Normal',
    source: { component: 'scheduler' },
  };
}

function parseError(text: string, kind?: string): CapstanError {
  try {
    parseFieldSelector(text, kind);
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const X = 'metadata.name';
const Y = 'metadata.namespace';
const Z = 'spec.nodeName';

describe('parseFieldSelector', () => {
  it.each(['', `${X}=a,${Y}=b,${Z}=c`, `${X}!=a,${Y}=b`, `${X}=a||y\\=b`, `${X}=a\\=\\=b`, `${X}=`])(
    'accepts %j and prints it back unchanged',
    (text) => {
      expect(parseFieldSelector(text, 'Pod').toString()).toBe(text);
    },
  );

  it.each([
    `${X}=a||y=b`,
    `${X}==a==b`,
    `${X}=a,b`,
    `${X} in (a)`,
    `${X} in (a,b,c)`,
    X,
    `${X}=\\a`,
    `${X}=a\\`,
    ' metadata.name=a',
  ])('rejects %j with CapstanError INVALID', (text) => {
    const err = parseError(text, 'Pod');
    expect(err.code).toBe('INVALID');
    expect(err.message).toContain(`invalid field selector ${JSON.stringify(text)}`);
  });

  it('parses the same terms whatever their order', () => {
    expect(parseFieldSelector(`${X}=a,${Y}=x`).toString()).toBe(parseFieldSelector(`${Y}=x,${X}=a`).toString());
  });

  it('keeps escaped commas and equals signs in values and splits on the others', () => {
    const s = parseFieldSelector(`${X}=\\,,${Y}=v2`);
    expect(s.requirements).toEqual([
      { field: X, operator: '=', value: ',' },
      { field: Y, operator: '=', value: 'v2' },
    ]);
    expect(parseFieldSelector(`${X}=\\\\,${Y}=v2`).requirements[0]?.value).toBe('\\');
    expect(parseFieldSelector(`${X}=\\\\\\,,${Y}=v2`).requirements[0]?.value).toBe('\\,');
    expect(parseFieldSelector(`${X}==b,${Y}!=c`).requirements).toEqual([
      { field: X, operator: '=', value: 'b' },
      { field: Y, operator: '!=', value: 'c' },
    ]);
  });

  it('skips empty terms as Kubernetes does', () => {
    expect(parseFieldSelector(`${X}=a,`).requirements).toHaveLength(1);
    expect(parseFieldSelector(`,${X}=a`).requirements).toHaveLength(1);
    expect(parseFieldSelector('').isEverything()).toBe(true);
  });

  it('rejects an unknown field, naming it and the supported fields of the kind', () => {
    const err = parseError('spec.nodeName=n1', 'Service');
    expect(err.message).toBe(
      'invalid field selector "spec.nodeName=n1": field "spec.nodeName" is not supported for Service; ' +
        'supported fields: metadata.name, metadata.namespace, spec.clusterIP, spec.type',
    );
    expect(err.violations[0]?.field).toBe('fieldSelector');
    expect(parseError('metadata.labels=x').message).toContain('field "metadata.labels" is not supported;');
  });

  it('accepts the kind-specific fields of Pods, Events and Nodes', () => {
    expect(() => parseFieldSelector('spec.nodeName=n1,status.phase!=Failed', 'Pod')).not.toThrow();
    expect(() => parseFieldSelector('involvedObject.name=web-1,reason=Scheduled,type=Normal', 'Event')).not.toThrow();
    expect(() => parseFieldSelector('spec.unschedulable=true', 'Node')).not.toThrow();
    expect(() => parseFieldSelector('metadata.name=x', 'Deployment')).not.toThrow();
  });

  it('names a bad escape sequence', () => {
    expect(parseError(`${X}=\\a`).message).toContain('invalid escape sequence "\\\\a"');
    expect(parseError(`${X}=a=b`).message).toContain("unescaped '=' in value");
  });
});

describe('escaping', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ])('escapes %j as %j and back', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it.each(['\\', '\\\\\\', '\\a'])('rejects the invalid escape sequence in %j', (value) => {
    expect(() => unescapeFieldValue(value)).toThrow(/invalid escape sequence/);
  });
});

describe('matching', () => {
  const fieldset = { [X]: 'bar', [Y]: 'blah', [Z]: '=value\\,\\' };

  it.each<[string, Record<string, string>, boolean]>([
    ['', { [X]: 'y' }, true],
    [`${X}=y`, { [X]: 'y' }, true],
    [`${X}=y,${Z}=w`, { [X]: 'y', [Z]: 'w' }, true],
    [`${X}!=y,${Z}!=w`, { [X]: 'z', [Z]: 'a' }, true],
    [`${X}=in`, { [X]: 'in' }, true],
    [`${X}=y`, { [X]: 'z' }, false],
    [`${X}=y,${Z}=w`, { [X]: 'w', [Z]: 'w' }, false],
    [`${X}!=y,${Z}!=w`, { [X]: 'z', [Z]: 'w' }, false],
    [`${X}=bar`, fieldset, true],
    [`${Y}=blah`, fieldset, true],
    [`${X}=bar,${Y}=blah`, fieldset, true],
    [`${X}=bar,${Y}=blah,${Z}=\\=value\\\\\\,\\\\`, fieldset, true],
    [`${X}=blah`, fieldset, false],
    [`${Y}=bar`, fieldset, false],
    [`${X}=bar,status.phase=bar,${Y}=blah`, fieldset, false],
    [`${Z}=`, {}, true],
    [`${Z}!=`, {}, false],
  ])('%j on fields %j is %s', (text, fields, expected) => {
    expect(parseFieldSelector(text).matchesFields(fields)).toBe(expected);
  });

  it.each<[string, KubeObject, boolean]>([
    ['metadata.name=web-1', newPod(), true],
    ['metadata.name=web-2', newPod(), false],
    ['metadata.namespace=default,metadata.name!=web-2', newPod(), true],
    ['spec.nodeName=', newPod(), true],
    ['spec.nodeName!=', newPod({ nodeName: 'n1' }), true],
    ['spec.nodeName=n1', newPod({ nodeName: 'n1' }), true],
    ['spec.nodeName=n2', newPod({ nodeName: 'n1' }), false],
    ['status.phase!=Succeeded,status.phase!=Failed', newPod({ phase: { phase: 'Running' } }), true],
    ['status.phase!=Succeeded,status.phase!=Failed', newPod({ phase: { phase: 'Failed' } }), false],
    ['status.phase=', newPod(), true],
    ['involvedObject.kind=Pod,involvedObject.name=web-1,reason=Scheduled', newEvent(), true],
    ['type=Warning', newEvent(), false],
    ['source=scheduler', newEvent(), true],
  ])('%j on an object is %s', (text, obj, expected) => {
    const selector = parseFieldSelector(text, obj.kind);
    expect(selector.matches(obj)).toBe(expected);
    expect(selector.matchesFields(fieldsOf(obj))).toBe(expected);
  });

  it('pins a field to one value only through an equality term', () => {
    expect(parseFieldSelector('spec.nodeName=n1,status.phase!=Failed').requiresExactMatch('spec.nodeName')).toBe('n1');
    expect(parseFieldSelector('status.phase!=Failed').requiresExactMatch('status.phase')).toBeUndefined();
    expect(parseFieldSelector('').requiresExactMatch('spec.nodeName')).toBeUndefined();
  });
});

describe('fieldsOf', () => {
  it('extracts the selectable fields of a Pod, unset ones as ""', () => {
    expect(fieldsOf(newPod({ nodeName: 'n1', phase: { phase: 'Running', podIP: '10.0.0.5' } }))).toEqual({
      'metadata.name': 'web-1',
      'metadata.namespace': 'default',
      'spec.nodeName': 'n1',
      'spec.restartPolicy': '',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.5',
    });
  });

  it('extracts Event fields from the top-level payload', () => {
    expect(fieldsOf(newEvent())).toMatchObject({
      'involvedObject.kind': 'Pod',
      'involvedObject.name': 'web-1',
      'involvedObject.namespace': 'default',
      reason: 'Scheduled',
      type: 'Normal',
      source: 'scheduler',
    });
  });

  it('renders a Node unschedulable flag as "true"/"false" and gives cluster objects an empty namespace', () => {
    const { status: _podStatus, ...pod } = newPod();
    const node: Node = { ...pod, kind: 'Node', metadata: { ...pod.metadata, namespace: undefined }, spec: {} };
    expect(fieldsOf(node)).toEqual({
      'metadata.name': 'web-1',
      'metadata.namespace': '',
      'spec.unschedulable': 'false',
    });
    expect(fieldsOf({ ...node, spec: { unschedulable: true } })['spec.unschedulable']).toBe('true');
  });

  it('lists the common fields for a kind it does not know', () => {
    expect(selectableFields('Widget')).toEqual(['metadata.name', 'metadata.namespace']);
    expect(selectableFields()).toContain('involvedObject.name');
  });
});

describe('field selector length (found by fuzzing)', () => {
  it('refuses a field selector over 16 KiB with INVALID naming fieldSelector', () => {
    const text = 'metadata.name=a,'.repeat(100_000);
    expect(() => parseFieldSelector(text)).toThrow(/must be at most 16384 characters/);
    try {
      parseFieldSelector(text);
    } catch (err) {
      expect((err as CapstanError).violations[0]?.field).toBe('fieldSelector');
    }
  });
});
