import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkAnswer, newFuzzApi } from './fuzz/api-fuzz-support.ts';
import { MAX_STALL_MS, report, runs, StallProbe } from './fuzz/fuzz-support.ts';
import { fuzzString } from './fuzz/schema-arbitraries.ts';

const KINDS: [string, string][] = [
  ['v1', 'Namespace'],
  ['v1', 'Pod'],
  ['v1', 'ReplicationController'],
  ['v1', 'Service'],
  ['v1', 'Endpoints'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['apps/v1', 'Pod'],
];

const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('web', 'db', 'fuzz') },
  { weight: 1, arbitrary: fuzzString },
);
const container = fc.record(
  {
    name: name,
    image: fc.oneof(fc.constant('capstan/hello'), fuzzString),
    ports: fc.array(
      fc.record(
        {
          containerPort: fc.oneof(fc.integer({ min: -1, max: 70000 }), fuzzString),
          protocol: fc.constantFrom('TCP', 'UDP', 'SCTP', 'x'),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    resources: fc.record(
      { limits: fc.dictionary(fc.constantFrom('cpu', 'memory', 'x'), fc.oneof(fuzzString, fc.integer())) },
      { requiredKeys: [] },
    ),
    volumeMounts: fc.array(
      fc.record({ name, mountPath: fuzzString, subPath: fuzzString }, { requiredKeys: ['name'] }),
      { maxLength: 2 },
    ),
    command: fc.array(fuzzString, { maxLength: 2 }),
    env: fc.array(
      fc.record(
        {
          name,
          value: fuzzString,
          valueFrom: fc.record(
            {
              configMapKeyRef: fc.record({ name, key: fuzzString, optional: fc.boolean() }, { requiredKeys: [] }),
              secretKeyRef: fc.record({ name, key: fuzzString }, { requiredKeys: [] }),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 2 },
    ),
    envFrom: fc.array(
      fc.record(
        {
          prefix: fuzzString,
          configMapRef: fc.record({ name }),
          secretRef: fc.record({ name, optional: fc.boolean() }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['name'] },
);
/** ConfigMap and Secret payloads: keys and values of every shape, base64 or not. */
const configData = fc.dictionary(
  fc.oneof(fc.constantFrom('a.txt', 'tls.crt', 'tls.key', '.dockerconfigjson', 'username', 'password'), fuzzString),
  fc.oneof(fuzzString, fc.base64String({ maxLength: 40 }), fc.integer()),
  { maxKeys: 3 },
);
const secretType = fc.constantFrom(
  'Opaque',
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/basic-auth',
  'kubernetes.io/tls',
  'x',
);
const labels = fc.dictionary(
  fc.oneof(fc.constantFrom('app', 'tier'), fuzzString),
  fc.oneof(fc.constantFrom('web', 'db'), fuzzString),
  { maxKeys: 3 },
);
const podSpec = fc.record(
  {
    containers: fc.array(container, { maxLength: 2 }),
    restartPolicy: fc.constantFrom('Always', 'Never', 'OnFailure', 'Sometimes'),
    volumes: fc.array(
      fc.record(
        {
          name,
          emptyDir: fc.constant({}),
          hostPath: fc.record({ path: fuzzString }),
          configMap: fc.record(
            {
              name,
              items: fc.array(fc.record({ key: fuzzString, path: fuzzString }), { maxLength: 2 }),
              defaultMode: fc.integer({ min: -1, max: 1000 }),
              optional: fc.boolean(),
            },
            { requiredKeys: [] },
          ),
          secret: fc.record(
            { secretName: name, defaultMode: fc.integer({ min: -1, max: 1000 }), optional: fc.boolean() },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['name'] },
      ),
      { maxLength: 2 },
    ),
    nodeSelector: labels,
  },
  { requiredKeys: [] },
);
const spec = fc.record(
  {
    replicas: fc.oneof(fc.integer({ min: -2, max: 5 }), fuzzString),
    selector: fc.oneof(labels, fc.record({ matchLabels: labels })),
    template: fc.record({ metadata: fc.record({ labels }), spec: podSpec }, { requiredKeys: [] }),
    containers: fc.array(container, { maxLength: 2 }),
    ports: fc.array(
      fc.record(
        {
          port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fuzzString),
          targetPort: fc.oneof(fc.integer(), fuzzString),
          nodePort: fc.integer({ min: 0, max: 40000 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'x'),
    clusterIP: fc.constantFrom('None', '10.96.0.1', '1.2.3.4', 'x'),
    resources: fc.record({ requests: fc.record({ storage: fuzzString }) }),
    accessModes: fc.array(fc.constantFrom('ReadWriteOnce', 'x'), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

/** One document: an applicable (or nearly applicable) object with random metadata and spec. */
const document = fc
  .record(
    {
      kind: fc.constantFrom(...KINDS),
      metadata: fc.record(
        {
          name,
          namespace: fc.oneof(fc.constantFrom('default', 'fuzz', 'nope'), fuzzString),
          labels,
          annotations: labels,
        },
        { requiredKeys: [] },
      ),
      spec,
      subsets: fc.array(
        fc.record({
          addresses: fc.array(fc.record({ ip: fc.oneof(fc.ipV4(), fuzzString) }), { maxLength: 2 }),
          ports: fc.array(fc.record({ port: fc.integer({ min: -1, max: 70000 }) }), { maxLength: 1 }),
        }),
        { maxLength: 2 },
      ),
      extra: fc.jsonValue({ maxDepth: 2 }),
      data: configData,
      binaryData: configData,
      stringData: configData,
      type: secretType,
    },
    { requiredKeys: ['kind'] },
  )
  .map(({ kind: [apiVersion, kind], subsets, extra, data, binaryData, stringData, type, ...rest }) => ({
    apiVersion,
    kind,
    ...rest,
    ...(kind === 'Endpoints' ? { subsets } : {}),
    ...(kind === 'ConfigMap' ? { data, binaryData } : {}),
    ...(kind === 'Secret' ? { data, stringData, type } : {}),
    ...(extra !== null && typeof extra === 'object' && !Array.isArray(extra) ? { extraField: extra } : {}),
  }));

/** YAML text: documents joined with `---`, and the awkward kinds of text. */
const manifest = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(document, { minLength: 1, maxLength: 3 })
      .map((docs) => docs.map((d) => stringify(d)).join('---\n')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(document, { minLength: 1, maxLength: 2 }), fc.nat(), fc.string({ maxLength: 3 }))
      .map(([docs, i, c]) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        const at = i % (text.length + 1);
        return text.slice(0, at) + c + text.slice(at + 1);
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '---\n---\n',
      'kind: Pod\n',
      '- a\n- b\n',
      'a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${'n'.repeat(5000)}\n`,
      'apiVersion: v1\nkind: Pod\nmetadata: !!binary aGVsbG8=\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x, name: y}\n',
      // Slow for the yaml package (parsed in the API server's worker, off its loop: test/hostile-yaml.test.ts).
      'a: '.repeat(2000),
      '['.repeat(5000),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec: ${'{a: '.repeat(70)}1${'}'.repeat(70)}\n`,
    ),
  },
);

describe('fuzz: YAML manifests through the apply mutation (yoga in process, real Redis)', () => {
  let api: Awaited<ReturnType<typeof newFuzzApi>>;
  beforeAll(async () => {
    api = await newFuzzApi();
    await api.store.create('Namespace', { kind: 'Namespace', metadata: { name: 'fuzz' }, spec: {} });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('applies or refuses every manifest with a coded error naming the document, and a refusal writes nothing', async () => {
    const probe = new StallProbe();
    const outcomes = new Map<string, number>();
    let tried = 0;
    const query = 'mutation ($m: String!, $d: Boolean) { apply(manifest: $m, dryRun: $d) { action } }';
    // Code runs for the first time (V8 compiles it lazily) on the first inputs whatever they are; that one-off cost
    // is not a stall an input causes, so it is paid before measuring.
    for (const m of ['apiVersion: v1\nkind: Namespace\nmetadata:\n  name: warm\n', 'kind: Pod\n']) {
      await api.call(query, { m, d: true });
    }
    probe.start();
    await fc.assert(
      fc.asyncProperty(manifest, fc.boolean(), async (text, dryRun) => {
        tried++;
        const before = await api.fingerprint();
        const { status, body } = await api.call(query, { m: text, d: dryRun });
        const errors = checkAnswer(status, body, { manifest: text });
        const outcome = errors[0]?.extensions?.code ?? 'ok';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (errors.length > 0 || dryRun) {
          expect(await api.fingerprint(), `apply ${dryRun ? '(dry run)' : 'refused'} but wrote: ${text}`).toBe(before);
        }
        probe.mark(text);
      }),
      runs(250, 5000),
    );
    probe.stop();
    report(`apply manifests (outcomes ${JSON.stringify(Object.fromEntries(outcomes))})`, tried, probe);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(probe.longestMs).toBeLessThan(MAX_STALL_MS);
  });
});
