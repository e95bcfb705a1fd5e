import { API_VERSIONS, isKind } from './types.ts';
import { checkShape } from './validation/shape.ts';
import type {
  Container,
  Deployment,
  Endpoints,
  Event,
  KubeObject,
  Namespace,
  PersistentVolumeClaim,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ReplicationController,
  Secret,
  Service,
} from './types.ts';

/**
 * Kubernetes' defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go) for the kinds Capstan
 * serves. Returns a defaulted deep copy; the input is never mutated. Fields the client set are kept as they are. An
 * object with a field of the wrong JSON type (validation/shape.ts) is returned undefaulted, for validation to refuse.
 */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  const out = structuredClone(obj);
  if (!out.apiVersion && isKind(out.kind)) out.apiVersion = API_VERSIONS[out.kind];
  // Defaults walk lists and objects as their types; validation refuses an object that has a field of the wrong type.
  if (isKind(out.kind) && checkShape(out.kind, out).length > 0) return out;
  switch (out.kind) {
    case 'Pod':
      if (out.spec) defaultPodSpec(out.spec as PodSpec);
      break;
    case 'ReplicationController':
      defaultReplicationController(out as unknown as ReplicationController);
      break;
    case 'Deployment':
      defaultDeployment(out as unknown as Deployment);
      break;
    case 'Service':
      defaultService(out as unknown as Service);
      break;
    case 'Endpoints':
      defaultEndpoints(out as unknown as Endpoints);
      break;
    case 'PersistentVolumeClaim':
      defaultPersistentVolumeClaim(out as unknown as PersistentVolumeClaim);
      break;
    case 'Event':
      (out as unknown as Event).type ??= 'Normal';
      break;
    case 'Namespace':
      defaultNamespace(out as unknown as Namespace);
      break;
    case 'Secret':
      defaultSecret(out as unknown as Secret);
      break;
    default:
      break;
  }
  return out;
}

/**
 * The tag of an image reference, as Kubernetes' parsers.ParseImageName reads it: `latest` when the reference has
 * neither tag nor digest, empty when it has only a digest. A colon before the last `/` is a registry port.
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return name.slice(colon + 1);
  return at === -1 ? 'latest' : '';
}

function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  for (const container of spec.containers ?? []) defaultContainer(container);
  for (const volume of spec.volumes ?? []) {
    // Kubernetes' default file mode of projected keys: 0644.
    if (volume.configMap) volume.configMap.defaultMode ??= 0o644;
    if (volume.secret) volume.secret.defaultMode ??= 0o644;
  }
}

function defaultContainer(c: Container): void {
  // Capstan has no registry, but the rule stays Kubernetes': the node agent reports a missing image clearly.
  c.imagePullPolicy ??= imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  for (const port of c.ports ?? []) port.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  // Kubernetes: a resource with a limit and no request is requested at its limit (what the scheduler counts).
  const limits = c.resources?.limits;
  if (c.resources && limits) {
    const requests = { ...c.resources.requests };
    for (const [name, value] of Object.entries(limits)) {
      if (value !== undefined && requests[name as keyof typeof requests] === undefined) {
        requests[name as keyof typeof requests] = value;
      }
    }
    if (Object.keys(requests).length > 0) c.resources.requests = requests;
  }
}

function defaultProbe(p: Probe): void {
  p.initialDelaySeconds ??= 0;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ||= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultTemplate(template: PodTemplateSpec | undefined): void {
  if (template?.spec) defaultPodSpec(template.spec);
}

function defaultReplicationController(rc: ReplicationController): void {
  const spec = rc.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  spec.minReadySeconds ??= 0;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(templateLabels).length > 0) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...templateLabels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) {
      rc.metadata.labels = { ...templateLabels };
    }
  }
  defaultTemplate(spec.template);
}

function defaultDeployment(d: Deployment): void {
  const spec = d.spec;
  if (!spec) return;
  spec.replicas ??= 1;
  spec.minReadySeconds ??= 0;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  defaultTemplate(spec.template);
}

function defaultService(svc: Service): void {
  const spec = svc.spec;
  if (!spec) return;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  for (const port of spec.ports ?? []) {
    port.protocol ??= 'TCP';
    if (port.targetPort == null || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
}

function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) port.protocol ??= 'TCP';
  }
}

function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): void {
  if (!pvc.spec) return;
  if (!pvc.spec.accessModes || pvc.spec.accessModes.length === 0) pvc.spec.accessModes = ['ReadWriteOnce'];
}

/**
 * `stringData` is write-only: merged into `data` (base64, winning over a same key there) and dropped. One that is
 * not a map of strings stays for validation to refuse.
 */
function defaultSecret(secret: Secret): void {
  secret.type ??= 'Opaque';
  const stringData: unknown = secret.stringData;
  if (
    typeof stringData === 'object' &&
    stringData !== null &&
    !Array.isArray(stringData) &&
    Object.values(stringData).every((v) => typeof v === 'string') &&
    secret.stringData
  ) {
    const data = { ...secret.data };
    for (const [key, value] of Object.entries(secret.stringData)) data[key] = Buffer.from(value).toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}

/** Kubernetes labels every namespace with its own name, so namespace selectors can pick one by name. */
function defaultNamespace(ns: Namespace): void {
  if (!ns.metadata?.name) return;
  ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
}
