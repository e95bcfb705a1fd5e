import type { FieldViolation } from '../errors.ts';
import type { Kind } from '../types.ts';
import { isRfc3339 } from '../rfc3339.ts';
import { invalid } from './field.ts';

/**
 * The JSON types of the fields Capstan reads, checked before defaulting and before the rules of a kind: Kubernetes
 * decodes a request into typed structs first and answers 400 ("cannot unmarshal object into Go struct field
 * Container.spec.containers.ports of type []v1.ContainerPort") before any rule runs. Here that step is a walk over a
 * schema of each kind, and a mismatch is a field violation like any other (`spec.containers[0].ports: Invalid value:
 * {"a":1}: must be a list`). Fields the schema does not know are left alone, as Kubernetes drops unknown fields;
 * `null` is an unset field everywhere, as in Kubernetes' decoder.
 *
 * Times are checked as RFC 3339 date-times (`../rfc3339.ts`): the controllers, the node lifecycle and the printers read
 * them as times, and a node or a user could write anything there.
 *
 * Numbers are checked only for being scalars: the rules of each kind word their own range and integer checks.
 */
export type Shape =
  | 'string'
  /**
   * A string that is an RFC 3339 date-time (a Time or MicroTime of Kubernetes, which its decoder refuses otherwise);
   * the empty string is an unset time.
   */
  | 'time'
  | 'bool'
  /** A number, or a string the rules read (an int-or-string, a quantity): anything but a list or an object. */
  | 'scalar'
  | 'any'
  | { readonly list: Shape }
  | { readonly map: Shape }
  | { readonly fields: Readonly<Record<string, Shape>> };

const list = (of: Shape): Shape => ({ list: of });
const map = (of: Shape): Shape => ({ map: of });
const obj = (fields: Record<string, Shape>): Shape => ({ fields });

const strings = list('string');
const stringMap = map('string');

const keySelector = obj({ name: 'string', key: 'string', optional: 'bool' });
const keyToPath = list(obj({ key: 'string', path: 'string', mode: 'scalar' }));
const hostPorts = list(obj({ containerPort: 'scalar', protocol: 'string', hostIP: 'string', hostPort: 'scalar' }));

const probe = obj({
  httpGet: obj({
    path: 'string',
    port: 'scalar',
    host: 'string',
    scheme: 'string',
    httpHeaders: list(obj({ name: 'string', value: 'string' })),
  }),
  tcpSocket: obj({ port: 'scalar', host: 'string' }),
  exec: obj({ command: strings }),
  initialDelaySeconds: 'scalar',
  periodSeconds: 'scalar',
  timeoutSeconds: 'scalar',
  successThreshold: 'scalar',
  failureThreshold: 'scalar',
});

const container = obj({
  name: 'string',
  image: 'string',
  imagePullPolicy: 'string',
  command: strings,
  args: strings,
  workingDir: 'string',
  env: list(
    obj({
      name: 'string',
      value: 'string',
      valueFrom: obj({
        fieldRef: obj({ fieldPath: 'string' }),
        configMapKeyRef: keySelector,
        secretKeyRef: keySelector,
      }),
    }),
  ),
  envFrom: list(
    obj({
      prefix: 'string',
      configMapRef: obj({ name: 'string', optional: 'bool' }),
      secretRef: obj({ name: 'string', optional: 'bool' }),
    }),
  ),
  ports: list(obj({ name: 'string', containerPort: 'scalar', hostPort: 'scalar', protocol: 'string' })),
  resources: obj({ limits: map('scalar'), requests: map('scalar') }),
  volumeMounts: list(obj({ name: 'string', mountPath: 'string', readOnly: 'bool', subPath: 'string' })),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
});

const podSpec = obj({
  containers: list(container),
  volumes: list(
    obj({
      name: 'string',
      emptyDir: obj({ medium: 'string', sizeLimit: 'scalar' }),
      hostPath: obj({ path: 'string', type: 'string' }),
      persistentVolumeClaim: obj({ claimName: 'string', readOnly: 'bool' }),
      configMap: obj({ name: 'string', items: keyToPath, defaultMode: 'scalar', optional: 'bool' }),
      secret: obj({ secretName: 'string', items: keyToPath, defaultMode: 'scalar', optional: 'bool' }),
    }),
  ),
  restartPolicy: 'string',
  terminationGracePeriodSeconds: 'scalar',
  nodeName: 'string',
  nodeSelector: stringMap,
  tolerations: list(
    obj({ key: 'string', operator: 'string', value: 'string', effect: 'string', tolerationSeconds: 'scalar' }),
  ),
  hostname: 'string',
  subdomain: 'string',
  imagePullSecrets: list(obj({ name: 'string' })),
});

const containerState = obj({
  waiting: obj({ reason: 'string', message: 'string' }),
  running: obj({ startedAt: 'time' }),
  terminated: obj({
    exitCode: 'scalar',
    reason: 'string',
    message: 'string',
    startedAt: 'time',
    finishedAt: 'time',
  }),
});

const conditions = list(
  obj({
    type: 'string',
    status: 'string',
    reason: 'string',
    message: 'string',
    lastTransitionTime: 'time',
    lastUpdateTime: 'time',
    lastHeartbeatTime: 'time',
  }),
);

const podStatus = obj({
  phase: 'string',
  reason: 'string',
  message: 'string',
  conditions,
  podIP: 'string',
  hostIP: 'string',
  startTime: 'time',
  containerStatuses: list(
    obj({
      name: 'string',
      image: 'string',
      imageID: 'string',
      containerID: 'string',
      ready: 'bool',
      started: 'bool',
      restartCount: 'scalar',
      state: containerState,
      lastState: containerState,
    }),
  ),
  hostPorts,
  timeline: map('time'),
});

const template = obj({ metadata: obj({ labels: stringMap, annotations: stringMap }), spec: podSpec });

const labelSelector = obj({
  matchLabels: stringMap,
  matchExpressions: list(obj({ key: 'string', operator: 'string', values: strings })),
});

const endpointAddresses = list(
  obj({
    ip: 'string',
    hostname: 'string',
    nodeName: 'string',
    targetRef: obj({ kind: 'string', name: 'string', namespace: 'string', uid: 'string' }),
    hostIP: 'string',
    hostPorts,
  }),
);

const metadata = obj({
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  uid: 'string',
  labels: stringMap,
  annotations: stringMap,
  resourceVersion: 'string',
  generation: 'scalar',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'scalar',
  ownerReferences: list(
    obj({
      apiVersion: 'string',
      kind: 'string',
      name: 'string',
      uid: 'string',
      controller: 'bool',
      blockOwnerDeletion: 'bool',
    }),
  ),
  finalizers: strings,
});

/** The top level of each kind: the envelope plus its payload. */
const KIND_SHAPES: Record<Kind, Record<string, Shape>> = {
  Pod: { spec: podSpec, status: podStatus },
  ReplicationController: {
    spec: obj({ replicas: 'scalar', minReadySeconds: 'scalar', selector: stringMap, template }),
    status: obj({ conditions }),
  },
  Deployment: {
    spec: obj({
      replicas: 'scalar',
      selector: labelSelector,
      template,
      strategy: obj({ type: 'string', rollingUpdate: obj({ maxSurge: 'scalar', maxUnavailable: 'scalar' }) }),
      minReadySeconds: 'scalar',
      revisionHistoryLimit: 'scalar',
      progressDeadlineSeconds: 'scalar',
      paused: 'bool',
    }),
    status: obj({ conditions }),
  },
  Service: {
    spec: obj({
      type: 'string',
      selector: stringMap,
      ports: list(
        obj({ name: 'string', protocol: 'string', port: 'scalar', targetPort: 'scalar', nodePort: 'scalar' }),
      ),
      clusterIP: 'string',
      sessionAffinity: 'string',
      sessionAffinityConfig: obj({ clientIP: obj({ timeoutSeconds: 'scalar' }) }),
      loadBalancerIP: 'string',
    }),
    status: obj({ loadBalancer: obj({ ingress: list(obj({ ip: 'string' })) }) }),
  },
  Endpoints: {
    subsets: list(
      obj({
        addresses: endpointAddresses,
        notReadyAddresses: endpointAddresses,
        ports: list(obj({ name: 'string', port: 'scalar', protocol: 'string' })),
      }),
    ),
  },
  Event: {
    involvedObject: obj({
      kind: 'string',
      name: 'string',
      namespace: 'string',
      uid: 'string',
      resourceVersion: 'string',
    }),
    reason: 'string',
    message: 'string',
    type: 'string',
    source: obj({ component: 'string', host: 'string' }),
    count: 'scalar',
    firstTimestamp: 'time',
    lastTimestamp: 'time',
  },
  PersistentVolumeClaim: {
    spec: obj({
      accessModes: strings,
      resources: obj({ requests: map('scalar') }),
      storageClassName: 'string',
      volumeName: 'string',
    }),
    status: obj({ phase: 'string' }),
  },
  Lease: {
    spec: obj({ holderIdentity: 'string', leaseDurationSeconds: 'scalar', acquireTime: 'time', renewTime: 'time' }),
  },
  Namespace: { spec: obj({ finalizers: strings }), status: obj({ phase: 'string' }) },
  Node: {
    spec: obj({
      unschedulable: 'bool',
      taints: list(obj({ key: 'string', value: 'string', effect: 'string', timeAdded: 'time' })),
      podCIDR: 'string',
    }),
    status: obj({
      capacity: map('scalar'),
      allocatable: map('scalar'),
      addresses: list(obj({ type: 'string', address: 'string' })),
      conditions,
      nodeInfo: map('string'),
      daemonEndpoints: obj({ kubeletEndpoint: obj({ Port: 'scalar' }) }),
    }),
  },
  Token: {
    spec: obj({
      role: 'string',
      secretHash: 'string',
      nodeName: 'string',
      expiresAt: 'time',
      description: 'string',
      maxUses: 'scalar',
      uses: 'scalar',
      discoverySignature: 'string',
      discoveryDigest: 'string',
      certificateSerials: strings,
    }),
  },
  // Their payload maps are checked by their own rules (which name a key's wrong value more precisely).
  ConfigMap: { data: 'any', binaryData: 'any', immutable: 'bool' },
  Secret: { type: 'string', data: 'any', stringData: 'any', immutable: 'bool' },
};

const SHAPES: Record<Kind, Shape> = Object.fromEntries(
  Object.entries(KIND_SHAPES).map(([kind, fields]) => [
    kind,
    obj({ apiVersion: 'string', kind: 'string', metadata, ...fields }),
  ]),
) as Record<Kind, Shape>;

/** More violations than this are not worth listing: the first ones say what is wrong with the document. */
const MAX_VIOLATIONS = 20;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function walk(value: unknown, shape: Shape, field: string, out: FieldViolation[]): void {
  if (value == null || shape === 'any' || out.length >= MAX_VIOLATIONS) return;
  if (shape === 'string' || shape === 'time') {
    if (typeof value !== 'string') out.push(invalid(field, value, 'must be a string'));
    else if (shape === 'time' && value !== '' && !isRfc3339(value))
      out.push(invalid(field, value, 'must be an RFC 3339 timestamp'));
  } else if (shape === 'bool') {
    if (typeof value !== 'boolean') out.push(invalid(field, value, 'must be a boolean'));
  } else if (shape === 'scalar') {
    if (typeof value === 'object') out.push(invalid(field, value, 'must be a number or a string'));
  } else if ('list' in shape) {
    if (!Array.isArray(value)) out.push(invalid(field, value, 'must be a list'));
    else value.forEach((item, i) => walk(item, shape.list, `${field}[${i}]`, out));
  } else if (!isObject(value)) {
    out.push(invalid(field, value, 'must be an object'));
  } else if ('map' in shape) {
    for (const [key, item] of Object.entries(value)) walk(item, shape.map, `${field}[${key}]`, out);
  } else {
    for (const [key, inner] of Object.entries(shape.fields)) {
      if (Object.hasOwn(value, key)) walk(value[key], inner, field ? `${field}.${key}` : key, out);
    }
  }
}

/**
 * Where `obj` (of a kind Capstan serves) has a value of the wrong JSON type: a list where an object belongs, a
 * number where a string belongs, and so on. Empty when every known field has its type.
 */
export function checkShape(kind: Kind, obj: unknown): FieldViolation[] {
  const out: FieldViolation[] = [];
  walk(obj, SHAPES[kind], '', out);
  return out;
}
