import type { FieldViolation } from './errors.ts';
import { API_VERSIONS, KINDS, isKind } from './types.ts';
import type { Kind, KindMap, KubeObject } from './types.ts';
import {
  validateEvent,
  validateLease,
  validateNamespace,
  validateNode,
  validatePersistentVolumeClaim,
  validateToken,
} from './validation/cluster.ts';
import { validateConfigMap, validateSecret } from './validation/config.ts';
import { notSupported, tooLong } from './validation/field.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/meta.ts';
import { validatePodSpec, validatePodSpecUpdate, validatePodStatus } from './validation/pod.ts';
import { validateEndpoints, validateService } from './validation/service.ts';
import { checkShape } from './validation/shape.ts';
import { validateDeployment, validateReplicationController } from './validation/workloads.ts';

export { MAX_ANNOTATIONS_BYTES } from './validation/meta.ts';
export { NODE_PORT_RANGE } from './validation/service.ts';

/** Kubernetes' etcd request limit (`--max-request-bytes` 1.5 MiB), applied to an object's JSON. */
export const MAX_OBJECT_BYTES = 1_572_864;

/** The field an object-wide violation (its total size) is reported on. */
export const OBJECT_FIELD = '<object>';

type KindValidator<K extends Kind> = (obj: KindMap[K], old?: KindMap[K]) => FieldViolation[];

const VALIDATORS: { [K in Kind]: KindValidator<K> } = {
  Pod: (pod, old) => [
    ...validatePodSpec(pod.spec, 'spec'),
    ...(old ? validatePodSpecUpdate(pod.spec, old.spec) : []),
    ...validatePodStatus(pod.status),
  ],
  ReplicationController: validateReplicationController,
  Deployment: validateDeployment,
  Service: validateService,
  Endpoints: validateEndpoints,
  Event: validateEvent,
  PersistentVolumeClaim: validatePersistentVolumeClaim,
  Lease: validateLease,
  Namespace: validateNamespace,
  Node: validateNode,
  Token: validateToken,
  ConfigMap: validateConfigMap,
  Secret: validateSecret,
};

/**
 * Checks an object against Kubernetes' rules for its kind; the store calls it on every write, after
 * `applyDefaults` and after it has filled the name from `generateName`. `old` is the stored object on update:
 * immutable fields (identity metadata, a pod's spec, controller selectors, a Service's clusterIP, a claim's spec)
 * are then checked against it.
 *
 * Returns one violation per broken rule, with a Kubernetes field path (`spec.containers[0].image`) and
 * Kubernetes' wording (`Required value`, `Invalid value: "x": <rule>`, `Unsupported value: ...`, `Duplicate
 * value: ...`, `Forbidden: ...`); empty when the object is valid. Pair with `CapstanError.invalid`.
 */
export function validateObject(obj: KubeObject, old?: KubeObject): FieldViolation[] {
  if (!isKind(obj.kind)) return [notSupported('kind', obj.kind, KINDS)];
  const kind = obj.kind;
  // The rules below read fields as their types: a list where an object belongs is answered before they run.
  const shape = checkShape(kind, obj);
  if (shape.length > 0) return shape;
  const violations: FieldViolation[] = [];
  if (obj.apiVersion && obj.apiVersion !== API_VERSIONS[kind]) {
    violations.push(notSupported('apiVersion', obj.apiVersion, [API_VERSIONS[kind]]));
  }
  violations.push(...validateObjectMeta(obj));
  if (old && obj.metadata) violations.push(...validateObjectMetaUpdate(obj, old));
  const validate = VALIDATORS[kind] as KindValidator<Kind>;
  violations.push(...validate(obj as KindMap[Kind], old?.kind === kind ? (old as KindMap[Kind]) : undefined));
  if (Buffer.byteLength(JSON.stringify(obj)) > MAX_OBJECT_BYTES)
    violations.push(tooLong(OBJECT_FIELD, MAX_OBJECT_BYTES));
  return violations;
}
