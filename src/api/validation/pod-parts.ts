import type { FieldViolation } from '../errors.ts';
import { quantityError } from '../quantity.ts';
import type { Probe, Volume } from '../types.ts';
import { checkMode, checkReferenceName, validateKeyToPaths } from './config.ts';
import {
  check,
  checkCount,
  findDuplicates,
  forbidden,
  invalid,
  isDns1123Label,
  isEmpty,
  isHttpHeaderName,
  isValidPortName,
  isValidPortNum,
  notSupported,
  required,
} from './field.ts';

const HOST_PATH_TYPES = [
  '',
  'DirectoryOrCreate',
  'Directory',
  'FileOrCreate',
  'File',
  'Socket',
  'CharDevice',
  'BlockDevice',
];
const EMPTY_DIR_MEDIA = ['', 'Memory'];
const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'persistentVolumeClaim', 'configMap', 'secret'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'exec'] as const;
const HTTP_SCHEMES = ['HTTP'];

export function validateVolumes(volumes: readonly Volume[], path: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  volumes.forEach((v, i) => {
    const at = `${path}[${i}]`;
    if (isEmpty(v.name)) violations.push(required(`${at}.name`));
    else violations.push(...check(`${at}.name`, v.name, isDns1123Label(v.name)));
    const sources = VOLUME_SOURCES.filter((s) => v[s] != null);
    if (sources.length === 0) violations.push(required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1)) {
      violations.push(forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    }
    if (v.hostPath != null) {
      const p = v.hostPath.path;
      if (isEmpty(p)) violations.push(required(`${at}.hostPath.path`));
      else {
        if (!p.startsWith('/')) violations.push(invalid(`${at}.hostPath.path`, p, 'must be an absolute path'));
        if (p.split('/').includes('..')) violations.push(invalid(`${at}.hostPath.path`, p, "must not contain '..'"));
      }
      if (v.hostPath.type != null && !HOST_PATH_TYPES.includes(v.hostPath.type)) {
        violations.push(notSupported(`${at}.hostPath.type`, v.hostPath.type, HOST_PATH_TYPES));
      }
    }
    if (v.persistentVolumeClaim != null && isEmpty(v.persistentVolumeClaim.claimName)) {
      violations.push(required(`${at}.persistentVolumeClaim.claimName`));
    }
    if (v.configMap != null) {
      violations.push(...checkReferenceName(`${at}.configMap.name`, v.configMap.name));
      violations.push(...validateKeyToPaths(v.configMap.items, `${at}.configMap`));
      violations.push(...checkMode(`${at}.configMap.defaultMode`, v.configMap.defaultMode));
    }
    if (v.secret != null) {
      violations.push(...checkReferenceName(`${at}.secret.secretName`, v.secret.secretName));
      violations.push(...validateKeyToPaths(v.secret.items, `${at}.secret`));
      violations.push(...checkMode(`${at}.secret.defaultMode`, v.secret.defaultMode));
    }
    if (v.emptyDir != null) {
      const { medium, sizeLimit } = v.emptyDir;
      if (medium != null && !EMPTY_DIR_MEDIA.includes(medium)) {
        violations.push(notSupported(`${at}.emptyDir.medium`, medium, EMPTY_DIR_MEDIA));
      }
      const rule = sizeLimit == null ? undefined : quantityError(sizeLimit);
      if (rule !== undefined) violations.push(invalid(`${at}.emptyDir.sizeLimit`, sizeLimit, rule));
    }
  });
  violations.push(
    ...findDuplicates(
      volumes,
      (v) => v.name || undefined,
      (i) => `${path}[${i}].name`,
    ),
  );
  return violations;
}

/**
 * A probe has exactly one handler; its port is a number or the name of a port of the same container. Liveness
 * and startup probes must succeed once to count (`successThreshold` 1), as in Kubernetes.
 */
export function validateProbe(
  probe: Probe,
  path: string,
  portNames: ReadonlySet<string>,
  singleSuccess: boolean,
): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const handlers = PROBE_HANDLERS.filter((h) => probe[h] != null);
  if (handlers.length === 0) violations.push(required(path, 'must specify a handler type'));
  for (const extra of handlers.slice(1))
    violations.push(forbidden(`${path}.${extra}`, 'may not specify more than 1 handler type'));

  if (probe.httpGet != null) {
    const at = `${path}.httpGet`;
    violations.push(...validateProbePort(probe.httpGet.port, `${at}.port`, portNames));
    if (probe.httpGet.scheme != null && !HTTP_SCHEMES.includes(probe.httpGet.scheme)) {
      violations.push(notSupported(`${at}.scheme`, probe.httpGet.scheme, HTTP_SCHEMES));
    }
    (probe.httpGet.httpHeaders ?? []).forEach((h, i) => {
      violations.push(...check(`${at}.httpHeaders[${i}].name`, h.name ?? '', isHttpHeaderName(h.name ?? '')));
    });
  }
  if (probe.tcpSocket != null)
    violations.push(...validateProbePort(probe.tcpSocket.port, `${path}.tcpSocket.port`, portNames));
  if (probe.exec != null && (probe.exec.command ?? []).length === 0) violations.push(required(`${path}.exec.command`));

  for (const field of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    violations.push(...checkCount(`${path}.${field}`, probe[field]));
  }
  if (singleSuccess && probe.successThreshold != null && probe.successThreshold !== 1) {
    violations.push(invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
  }
  return violations;
}

function validateProbePort(port: number | string | undefined, path: string, portNames: ReadonlySet<string>) {
  if (port == null || port === '') return [required(path)];
  if (typeof port === 'number') return check(path, port, isValidPortNum(port));
  const rules = isValidPortName(port);
  if (rules.length > 0) return check(path, port, rules);
  return portNames.has(port) ? [] : [invalid(path, port, 'must be the name of a port of this container')];
}
