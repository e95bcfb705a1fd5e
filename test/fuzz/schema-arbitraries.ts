import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/** Names that exist (or are created early) in the fuzzed cluster, so updates and deletes meet real objects. */
const NAMES = ['web', 'db', 'default', 'fuzz', 'a', 'node-1', 'kube-system', 'capstan-node-lease'];

/**
 * Strings a user (or an attacker) sends: valid names, quantities, selectors, images, ports, paths, and the
 * awkward ones (empty, huge, control characters, path tricks, JSON, YAML, unicode).
 */
const interesting = fc.constantFrom(
  '',
  ' ',
  '-',
  '.',
  '..',
  '../../etc/passwd',
  '/',
  '/etc',
  '/var/run/docker.sock',
  'a/b',
  'UPPER',
  'x'.repeat(64),
  'x'.repeat(254),
  'y'.repeat(2000),
  '1',
  '0',
  '-1',
  '1Gi',
  '100m',
  '0.5',
  '1e3',
  '1e400',
  '9999999999999999999999Ei',
  'app=web',
  'app in (a,b),!x',
  'metadata.name=web',
  'capstan/hello',
  'capstan/hello:latest',
  '127.0.0.1:5999/missing:1',
  'TCP',
  'UDP',
  'http',
  '10.96.0.10',
  '::1',
  'None',
  'Always',
  'IfNotPresent',
  '2026-01-01T00:00:00Z',
  'not a date',
  '{"a":1}',
  'a: [b',
  '\u0000',
  '\n',
  '\uD800',
  'é',
  '💥',
  '%s%n',
  '${x}',
);

const dnsName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);

export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 3, arbitrary: interesting },
  { weight: 2, arbitrary: dnsName },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/**
 * Fields whose values mostly come from a pool of plausible ones, so that many calls get past name and namespace
 * checks to the validation and the writes behind them; the rest are the general fuzz strings.
 */
function plausible(...values: string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fuzzString });
}

/** RFC 3339 times (any instant, any offset, 0–9 fractional digits), near misses (30 February, 24:00, no zone) and junk. */
const timeString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 2000, max: 2100 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.constantFrom('', '.5', '.123456789', '.1234567890'),
        fc.constantFrom('Z', 'z', '+01:00', '-23:59', '+24:00', ''),
      )
      .map(
        ([y, mo, d, h, frac, zone]) =>
          `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00${frac}${zone}`,
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom('now', 'yesterday', '1', '2026-02-30T00:00:00Z', '2026-12-07', '') },
  { weight: 1, arbitrary: fuzzString },
);

const TIME_FIELDS = [
  'lastTransitionTime',
  'lastHeartbeatTime',
  'lastUpdateTime',
  'startTime',
  'startedAt',
  'finishedAt',
  'firstTimestamp',
  'lastTimestamp',
  'acquireTime',
  'renewTime',
  'expiresAt',
  'timeAdded',
  'creationTimestamp',
  'deletionTimestamp',
];

const FIELD_STRINGS: Record<string, fc.Arbitrary<string>> = {
  ...Object.fromEntries(TIME_FIELDS.map((field) => [field, timeString])),
  namespace: plausible('default', 'fuzz'),
  name: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('web', 'db', 'a') },
    { weight: 1, arbitrary: dnsName },
    { weight: 1, arbitrary: fuzzString },
  ),
  image: plausible('capstan/hello', 'capstan/busybox:latest'),
  protocol: plausible('TCP', 'UDP'),
  key: plausible('app', 'tier', 'example.com/role'),
  value: plausible('web', 'db', ''),
  cpu: plausible('100m', '1', '0.5'),
  memory: plausible('64Mi', '1Gi', '128974848'),
  storage: plausible('1Gi', '10Mi'),
  mountPath: plausible('/data', '/usr/share', '/'),
  path: plausible('/data', '/healthz', '/tmp/x'),
  subPath: plausible('sub', 'a/b', '../x'),
};

const fuzzInt = fc.oneof(
  fc.integer({ min: -5, max: 100 }),
  fc.constantFrom(0, 1, 65535, 65536, 30000, 32767, 2 ** 31 - 1, -(2 ** 31)),
);

function scalarArbitrary(name: string): fc.Arbitrary<unknown> {
  switch (name) {
    case 'String':
    case 'ID':
      return fuzzString;
    case 'Int':
      return fuzzInt;
    case 'Float':
      return fc.oneof(fuzzInt, fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'Boolean':
      return fc.boolean();
    case 'IntOrString':
      return fc.oneof(fuzzInt, fuzzString);
    default:
      // A scalar this generator does not know: anything JSON.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/**
 * An arbitrary for values of a GraphQL input type: required fields always, optional ones sometimes, lists of up
 * to three, nesting cut off at `depth` (optional fields left out, lists empty). Now and then a value of the wrong
 * type, to exercise GraphQL's own coercion errors.
 */
export function inputArbitrary(type: GraphQLInputType, depth = 6): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  return fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: valueOf(type, depth) });
}

const cache = new Map<string, fc.Arbitrary<unknown>>();

/** A field's or argument's value: from its pool when it is a String named in FIELD_STRINGS, else by type. */
function fieldArbitrary(name: string, type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  const pool = FIELD_STRINGS[name];
  const inner = isNonNullType(type) ? type.ofType : type;
  if (pool && isScalarType(inner) && inner.name === 'String') {
    return isNonNullType(type)
      ? pool
      : fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 4, arbitrary: pool });
  }
  return inputArbitrary(type, depth);
}

function valueOf(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  if (isListType(type)) {
    const item = inputArbitrary(type.ofType as GraphQLInputType, depth - 1);
    return depth <= 0 ? fc.constant([]) : fc.array(item, { maxLength: 3 });
  }
  if (isScalarType(type)) return scalarArbitrary(type.name);
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) {
    const key = `${type.name}@${depth}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const fields = Object.values(type.getFields());
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const required: string[] = [];
    for (const field of fields) {
      if (isNonNullType(field.type)) required.push(field.name);
      else if (depth <= 0) continue;
      model[field.name] = fieldArbitrary(field.name, field.type, depth - 1);
    }
    const arbitrary = fc.record(model, { requiredKeys: required });
    cache.set(key, arbitrary);
    return arbitrary;
  }
  return fc.constant(null);
}

/** One mutation call: the operation text (variables for every argument) and the variables. */
export interface MutationCall {
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

function selectionFor(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  return isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
}

/** An arbitrary over calls of every mutation of `schema`, with arguments generated from their types. */
export function mutationCalls(schema: GraphQLSchema, skip: readonly string[] = []): fc.Arbitrary<MutationCall> {
  const mutation = schema.getMutationType();
  if (!mutation) throw new Error('the schema has no mutations');
  const calls = Object.values(mutation.getFields())
    .filter((field) => !skip.includes(field.name))
    .map((field) => {
      const declared = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
      const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const query =
        `mutation${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}` +
        `${selectionFor(field)} }`;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const arg of field.args) {
        model[arg.name] = fieldArbitrary(arg.name, arg.type, 6);
        if (isNonNullType(arg.type)) required.push(arg.name);
      }
      return fc
        .record(model, { requiredKeys: required })
        .map((variables): MutationCall => ({ field: field.name, query, variables }));
    });
  return fc.oneof(...calls);
}

/** The names of every mutation of the schema. */
export function mutationNames(schema: GraphQLSchema): string[] {
  return Object.keys(schema.getMutationType()?.getFields() ?? {});
}
