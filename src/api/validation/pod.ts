import type { FieldViolation } from '../errors.ts';
import { parseQuantity, quantityError } from '../quantity.ts';
import type { Container, PodSpec, PodStatus, Probe, Toleration, Volume } from '../types.ts';
import { checkEndpointIP } from './endpoint-ip.ts';
import {
  check,
  checkCount,
  checkLabelValue,
  checkLabels,
  checkQualifiedName,
  findDuplicates,
  forbidden,
  invalid,
  isDns1123Label,
  isDns1123Subdomain,
  isEmpty,
  isEnvVarName,
  isIPv4Address,
  isValidPortName,
  isValidPortNum,
  notFound,
  notSupported,
  required,
  sameJson,
} from './field.ts';
import { checkReferenceName, isConfigMapKey } from './config.ts';
import { validateProbe, validateVolumes } from './pod-parts.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['TCP', 'UDP'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const FIELD_REF_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'status.hostIP',
  'status.podIP',
];
const FIELD_REF_MAP_PATH = /^metadata\.(labels|annotations)\['[^']+'\]$/;

/**
 * The status fields that feed other objects: the pod IP becomes an endpoint address of every Service selecting the
 * pod, so it is held to the endpoint rules (a node reporting 127.0.0.1 would point Services at the node itself).
 */
export function validatePodStatus(status: PodStatus | undefined | null): FieldViolation[] {
  const ip = status?.podIP;
  if (isEmpty(ip)) return [];
  const format = check('status.podIP', ip, isIPv4Address(ip));
  return format.length > 0 ? format : checkEndpointIP('status.podIP', ip);
}

/** A pod spec, alone (`spec`) or inside a template (`spec.template.spec`). */
export function validatePodSpec(spec: PodSpec | undefined | null, path: string): FieldViolation[] {
  if (spec == null) return [required(path)];
  const violations: FieldViolation[] = [];
  const volumes = spec.volumes ?? [];
  violations.push(...validateVolumes(volumes, `${path}.volumes`));
  const volumeNames = new Set(volumes.map((v: Volume) => v.name));

  const containers = spec.containers ?? [];
  if (containers.length === 0) violations.push(required(`${path}.containers`));
  containers.forEach((c, i) => violations.push(...validateContainer(c, `${path}.containers[${i}]`, volumeNames)));
  violations.push(
    ...findDuplicates(
      containers,
      (c) => c.name || undefined,
      (i) => `${path}.containers[${i}].name`,
    ),
  );
  violations.push(...validateHostPorts(containers, path));

  if (spec.restartPolicy != null && !(RESTART_POLICIES as readonly string[]).includes(spec.restartPolicy)) {
    violations.push(notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  }
  violations.push(...checkCount(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  if (!isEmpty(spec.nodeName))
    violations.push(...check(`${path}.nodeName`, spec.nodeName, isDns1123Subdomain(spec.nodeName)));
  if (!isEmpty(spec.hostname))
    violations.push(...check(`${path}.hostname`, spec.hostname, isDns1123Label(spec.hostname)));
  if (!isEmpty(spec.subdomain)) {
    violations.push(...check(`${path}.subdomain`, spec.subdomain, isDns1123Label(spec.subdomain)));
  }
  violations.push(...checkLabels(spec.nodeSelector, `${path}.nodeSelector`));
  (spec.tolerations ?? []).forEach((t, i) => violations.push(...validateToleration(t, `${path}.tolerations[${i}]`)));
  (spec.imagePullSecrets ?? []).forEach((r, i) =>
    violations.push(...checkReferenceName(`${path}.imagePullSecrets[${i}].name`, r.name)),
  );
  return violations;
}

function validateContainer(c: Container, path: string, volumeNames: ReadonlySet<string>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (isEmpty(c.name)) violations.push(required(`${path}.name`));
  else violations.push(...check(`${path}.name`, c.name, isDns1123Label(c.name)));
  if (isEmpty(c.image)) violations.push(required(`${path}.image`));
  else if (c.image.trim() !== c.image) {
    violations.push(invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  }
  if (c.imagePullPolicy != null && !PULL_POLICIES.includes(c.imagePullPolicy)) {
    violations.push(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  }

  const ports = c.ports ?? [];
  ports.forEach((p, i) => {
    const at = `${path}.ports[${i}]`;
    if (p.containerPort == null || p.containerPort === 0) violations.push(required(`${at}.containerPort`));
    else violations.push(...check(`${at}.containerPort`, p.containerPort, isValidPortNum(p.containerPort)));
    if (p.hostPort != null && p.hostPort !== 0) {
      violations.push(...check(`${at}.hostPort`, p.hostPort, isValidPortNum(p.hostPort)));
    }
    if (!isEmpty(p.name)) violations.push(...check(`${at}.name`, p.name, isValidPortName(p.name)));
    if (p.protocol != null && !PROTOCOLS.includes(p.protocol)) {
      violations.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    }
  });
  violations.push(
    ...findDuplicates(
      ports,
      (p) => p.name || undefined,
      (i) => `${path}.ports[${i}].name`,
    ),
  );
  const portNames = new Set(ports.map((p) => p.name).filter((n): n is string => !isEmpty(n)));

  (c.env ?? []).forEach((e, i) => {
    const at = `${path}.env[${i}]`;
    if (isEmpty(e.name)) violations.push(required(`${at}.name`));
    else violations.push(...check(`${at}.name`, e.name, isEnvVarName(e.name)));
    if (e.valueFrom != null) {
      if (!isEmpty(e.value))
        violations.push(invalid(`${at}.valueFrom`, '', 'may not be specified when `value` is not empty'));
      const fieldPath = e.valueFrom.fieldRef?.fieldPath;
      const sources = (['fieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter(
        (s) => e.valueFrom?.[s] != null,
      );
      if (sources.length !== 1) {
        violations.push(
          invalid(
            `${at}.valueFrom`,
            '',
            sources.length === 0
              ? 'must specify one of: `fieldRef`, `configMapKeyRef` or `secretKeyRef`'
              : 'may not have more than one field specified at a time',
          ),
        );
      } else if (e.valueFrom.fieldRef != null) {
        if (isEmpty(fieldPath)) violations.push(required(`${at}.valueFrom.fieldRef.fieldPath`));
        else if (!FIELD_REF_PATHS.includes(fieldPath) && !FIELD_REF_MAP_PATH.test(fieldPath)) {
          violations.push(notSupported(`${at}.valueFrom.fieldRef.fieldPath`, fieldPath, FIELD_REF_PATHS));
        }
      }
      for (const source of ['configMapKeyRef', 'secretKeyRef'] as const) {
        const ref = e.valueFrom[source];
        if (ref == null) continue;
        violations.push(...checkReferenceName(`${at}.valueFrom.${source}.name`, ref.name));
        if (isEmpty(ref.key)) violations.push(required(`${at}.valueFrom.${source}.key`));
        else
          violations.push(...isConfigMapKey(ref.key).map((r) => invalid(`${at}.valueFrom.${source}.key`, ref.key, r)));
      }
    }
  });

  (c.envFrom ?? []).forEach((e, i) => {
    const at = `${path}.envFrom[${i}]`;
    const refs = [e.configMapRef, e.secretRef].filter((r) => r != null);
    if (refs.length !== 1) {
      violations.push(invalid(at, '', 'must specify one of: `configMapRef` or `secretRef`'));
    }
    if (e.configMapRef != null) violations.push(...checkReferenceName(`${at}.configMapRef.name`, e.configMapRef.name));
    if (e.secretRef != null) violations.push(...checkReferenceName(`${at}.secretRef.name`, e.secretRef.name));
    if (!isEmpty(e.prefix)) violations.push(...check(`${at}.prefix`, e.prefix, isEnvVarName(e.prefix)));
  });

  violations.push(...validateResources(c, `${path}.resources`));

  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const at = `${path}.volumeMounts[${i}]`;
    if (isEmpty(m.name)) violations.push(required(`${at}.name`));
    else if (!volumeNames.has(m.name)) violations.push(notFound(`${at}.name`, m.name));
    if (isEmpty(m.mountPath)) violations.push(required(`${at}.mountPath`));
    else if (!m.mountPath.startsWith('/'))
      violations.push(invalid(`${at}.mountPath`, m.mountPath, 'must be an absolute path'));
    else if (mountPaths.has(m.mountPath)) violations.push(invalid(`${at}.mountPath`, m.mountPath, 'must be unique'));
    if (!isEmpty(m.mountPath)) mountPaths.add(m.mountPath);
    if (!isEmpty(m.subPath)) {
      if (m.subPath.startsWith('/')) violations.push(invalid(`${at}.subPath`, m.subPath, 'must be a relative path'));
      if (m.subPath.split('/').includes('..'))
        violations.push(invalid(`${at}.subPath`, m.subPath, "must not contain '..'"));
    }
  });

  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const probe: Probe | undefined = c[kind];
    if (probe != null)
      violations.push(...validateProbe(probe, `${path}.${kind}`, portNames, kind !== 'readinessProbe'));
  }
  return violations;
}

function validateResources(c: Container, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const valid: Record<'limits' | 'requests', Record<string, number>> = { limits: {}, requests: {} };
  for (const group of ['limits', 'requests'] as const) {
    for (const [name, value] of Object.entries(c.resources?.[group] ?? {})) {
      if (value == null) continue;
      const at = `${path}.${group}[${name}]`;
      const rule = quantityError(value);
      if (rule !== undefined) violations.push(invalid(at, value, rule));
      else if (parseQuantity(value) < 0) violations.push(invalid(at, value, 'must be greater than or equal to 0'));
      else valid[group][name] = parseQuantity(value);
    }
  }
  for (const [name, request] of Object.entries(valid.requests)) {
    const limit = valid.limits[name];
    if (limit !== undefined && request > limit) {
      const shown = c.resources?.limits?.[name as 'cpu' | 'memory'];
      violations.push(
        invalid(
          `${path}.requests[${name}]`,
          c.resources?.requests?.[name as 'cpu' | 'memory'],
          `must be less than or equal to ${name} limit of ${shown}`,
        ),
      );
    }
  }
  return violations;
}

/** Two containers of a pod cannot publish the same host port and protocol. */
function validateHostPorts(containers: readonly Container[], path: string): FieldViolation[] {
  const seen = new Set<string>();
  const violations: FieldViolation[] = [];
  containers.forEach((c, ci) =>
    (c.ports ?? []).forEach((p, pi) => {
      if (p.hostPort == null || p.hostPort === 0) return;
      const key = `${p.hostPort}/${p.protocol ?? 'TCP'}`;
      if (seen.has(key))
        violations.push({
          field: `${path}.containers[${ci}].ports[${pi}].hostPort`,
          message: `Duplicate value: "${key}"`,
        });
      seen.add(key);
    }),
  );
  return violations;
}

function validateToleration(t: Toleration, path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (!isEmpty(t.key)) violations.push(...checkQualifiedName(`${path}.key`, t.key));
  if (isEmpty(t.key) && t.operator !== 'Exists') {
    violations.push(
      invalid(
        `${path}.operator`,
        t.operator ?? '',
        'operator must be Exists when `key` is empty, which means "match all values and all keys"',
      ),
    );
  }
  if (t.tolerationSeconds != null && t.effect !== 'NoExecute') {
    violations.push(
      invalid(`${path}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"),
    );
  }
  if (t.operator === 'Exists' && !isEmpty(t.value)) {
    violations.push(invalid(`${path}.value`, t.value, "value must be empty when `operator` is 'Exists'"));
  } else if (t.operator != null && t.operator !== 'Exists' && t.operator !== 'Equal') {
    violations.push(notSupported(`${path}.operator`, t.operator, ['Equal', 'Exists']));
  } else if (!isEmpty(t.value)) {
    violations.push(...checkLabelValue(`${path}.value`, t.value));
  }
  if (!isEmpty(t.effect) && !TAINT_EFFECTS.includes(t.effect))
    violations.push(notSupported(`${path}.effect`, t.effect, TAINT_EFFECTS));
  return violations;
}

/** The message Kubernetes gives for any other change of a pod's spec. */
export const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`, `spec.tolerations` (only additions to existing tolerations) and `spec.nodeName` (only from unset to a node, by binding)';

/**
 * A pod's spec is immutable once created except container images, added tolerations, and nodeName going from
 * unset to a node (Capstan binds by updating the pod, where Kubernetes has a binding subresource).
 */
export function validatePodSpecUpdate(spec: PodSpec | undefined, old: PodSpec | undefined): FieldViolation[] {
  if (spec == null || old == null) return [];
  const violations: FieldViolation[] = [];
  const normalized = structuredClone(spec);
  if (normalized.containers?.length === old.containers.length) {
    normalized.containers.forEach((c, i) => {
      c.image = old.containers[i]?.image ?? c.image;
    });
  }
  const oldTolerations = old.tolerations ?? [];
  const newTolerations = spec.tolerations ?? [];
  if (oldTolerations.every((t) => newTolerations.some((n) => sameJson(n, t)))) {
    normalized.tolerations = old.tolerations;
  } else {
    violations.push(forbidden('spec.tolerations', 'existing toleration can not be modified or removed'));
    normalized.tolerations = old.tolerations;
  }
  if (isEmpty(old.nodeName)) normalized.nodeName = old.nodeName;
  if (!sameJson(normalized, old)) violations.push(forbidden('spec', POD_UPDATE_MESSAGE));
  return violations;
}
