import { CapstanError } from '../api/errors.ts';
import type {
  Container,
  Deployment,
  EnvVar,
  Labels,
  PodSpec,
  ReplicationController,
  Service,
  ServiceSpec,
} from '../api/types.ts';
import { planRollback } from '../controllers/deployment-revisions.ts';
import type { Store } from '../store/store.ts';
import { checkResourceVersion, createObject, DEFAULT_NAMESPACE, describeRef, type MutationOptions } from './objects.ts';

export type WorkloadKind = 'ReplicationController' | 'Deployment';
export type ExposableKind = WorkloadKind | 'Pod' | 'Service';

export interface RunInput {
  namespace?: string;
  name: string;
  image: string;
  /** Container port to declare. */
  port?: number;
  replicas?: number;
  /** Labels of the Deployment, its selector and its pods; default `{ run: name }` like kubectl run. */
  labels?: Labels;
  env?: EnvVar[];
  command?: string[];
  args?: string[];
  imagePullPolicy?: Container['imagePullPolicy'];
}

/** `kubectl run`/`create deployment`: a Deployment of one container from an image. */
export function runWorkload(store: Store, input: RunInput, options: MutationOptions = {}): Promise<Deployment> {
  const labels = input.labels && Object.keys(input.labels).length > 0 ? input.labels : { run: input.name };
  const container: Container = {
    name: input.name,
    image: input.image,
    ...(input.port !== undefined ? { ports: [{ containerPort: input.port }] } : {}),
    ...(input.env ? { env: input.env } : {}),
    ...(input.command ? { command: input.command } : {}),
    ...(input.args ? { args: input.args } : {}),
    ...(input.imagePullPolicy ? { imagePullPolicy: input.imagePullPolicy } : {}),
  };
  return createObject(
    store,
    'Deployment',
    {
      kind: 'Deployment',
      metadata: { name: input.name, namespace: input.namespace ?? DEFAULT_NAMESPACE, labels },
      spec: {
        replicas: input.replicas ?? 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [container] } },
      },
    },
    options,
  );
}

/** `kubectl scale`: sets `spec.replicas` of a ReplicationController or Deployment. */
export async function scaleWorkload(
  store: Store,
  ref: { kind: WorkloadKind; namespace?: string; name: string },
  replicas: number,
  options: MutationOptions = {},
): Promise<ReplicationController | Deployment> {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw CapstanError.invalid([{ field: 'replicas', message: 'must be an integer of 0 or more' }]);
  }
  const scale = <T extends ReplicationController | Deployment>(current: T): T | undefined => {
    checkResourceVersion(current, options.expectedResourceVersion);
    if (current.spec?.replicas === replicas) return undefined;
    return { ...current, spec: { ...current.spec!, replicas } };
  };
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const write = { dryRun: options.dryRun };
  return ref.kind === 'Deployment'
    ? store.mutate('Deployment', namespace, ref.name, scale, write)
    : store.mutate('ReplicationController', namespace, ref.name, scale, write);
}

export interface ExposeOptions {
  /** Service port; default the workload's only container port. */
  port?: number;
  /** Default: the workload's only container port when it has exactly one, else `port`. */
  targetPort?: number | string;
  protocol?: 'TCP' | 'UDP';
  type?: ServiceSpec['type'];
  /** Service name; default the workload's name. */
  name?: string;
  nodePort?: number;
  portName?: string;
}

function containerPortsOf(spec: PodSpec | undefined): number[] {
  return (spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
}

/** `kubectl expose`: a Service selecting the pods of a Pod, ReplicationController, Deployment or Service. */
export async function exposeWorkload(
  store: Store,
  ref: { kind: ExposableKind; namespace?: string; name: string },
  expose: ExposeOptions,
  options: MutationOptions = {},
): Promise<Service> {
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const source = await store.get(ref.kind, namespace, ref.name);
  checkResourceVersion(source, options.expectedResourceVersion);
  let selector: Labels | undefined;
  let podSpec: PodSpec | undefined;
  if (source.kind === 'Pod') {
    selector = source.metadata.labels;
    podSpec = source.spec;
  } else if (source.kind === 'ReplicationController') {
    selector = source.spec?.selector ?? source.spec?.template.metadata?.labels;
    podSpec = source.spec?.template.spec;
  } else if (source.kind === 'Deployment') {
    if (source.spec?.selector.matchExpressions?.length) {
      throw CapstanError.invalid([
        { field: 'name', message: `${describeRef(ref)} has a set-based selector; a Service needs label equality` },
      ]);
    }
    selector = source.spec?.selector.matchLabels;
    podSpec = source.spec?.template.spec;
  } else {
    selector = source.spec?.selector;
  }
  if (!selector || Object.keys(selector).length === 0) {
    throw CapstanError.invalid([{ field: 'name', message: `${describeRef(ref)} has no labels to select its pods by` }]);
  }
  const containerPorts = containerPortsOf(podSpec);
  const port = expose.port ?? (containerPorts.length === 1 ? containerPorts[0] : undefined);
  if (port === undefined) {
    throw CapstanError.invalid([
      { field: 'port', message: `${describeRef(ref)} does not declare exactly one container port; give port` },
    ]);
  }
  const targetPort = expose.targetPort ?? (containerPorts.length === 1 ? containerPorts[0]! : port);
  return createObject(
    store,
    'Service',
    {
      kind: 'Service',
      metadata: { name: expose.name ?? ref.name, namespace, labels: source.metadata.labels },
      spec: {
        type: expose.type ?? 'ClusterIP',
        selector,
        ports: [
          {
            port,
            targetPort,
            protocol: expose.protocol ?? 'TCP',
            ...(expose.portName ? { name: expose.portName } : {}),
            ...(expose.nodePort !== undefined ? { nodePort: expose.nodePort } : {}),
          },
        ],
      },
    },
    options,
  );
}

/** What `rollout undo` did: the Deployment as written (or as it stands, when nothing was written). */
export interface RollbackResult {
  deployment: Deployment;
  /** The revision whose pod template was put back (or that the current template already matches). */
  revision: number;
  /** False when the current template already matches that revision, so nothing was written. */
  rolledBack: boolean;
  /** kubectl's words: `rolled back to revision N` or `skipped rollback (current template already matches revision N)`. */
  message: string;
}

/**
 * `kubectl rollout undo`: puts back the pod template of an earlier revision (default: the one before the newest)
 * from the Deployment's ReplicationControllers, as `planRollback` chooses it, in one compare-and-set write; the
 * Deployment controller then rolls it out as a new revision. Nothing is written when the Deployment already runs
 * that template (`rolledBack: false`, kubectl's "skipped rollback"). NOT_FOUND for a missing Deployment;
 * BAD_USER_INPUT for a revision not in its history or no earlier revision; CONFLICT for a paused Deployment, as
 * kubectl refuses it (a paused Deployment would not roll the restored template out, so the undo would only show up
 * on resume, as a surprise).
 */
export async function rollbackDeployment(
  store: Store,
  ref: { namespace?: string; name: string },
  toRevision: number | undefined,
  options: MutationOptions = {},
): Promise<RollbackResult> {
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const { items: rcs } = await store.list('ReplicationController', { namespace });
  // store.mutate may call the function more than once (a conflict re-reads); the last call's plan is what happened.
  let plan: ReturnType<typeof planRollback> | undefined;
  const deployment = await store.mutate(
    'Deployment',
    namespace,
    ref.name,
    (live) => {
      checkResourceVersion(live, options.expectedResourceVersion);
      if (live.spec?.paused) {
        throw new CapstanError(
          'CONFLICT',
          `Deployment ${namespace}/${ref.name} is paused and cannot be rolled back (resume it first)`,
        );
      }
      plan = planRollback(live, rcs, toRevision);
      return plan.action ? { ...live, spec: { ...live.spec!, template: plan.action.template } } : undefined;
    },
    { dryRun: options.dryRun },
  );
  const { action, message, revision } = plan!;
  return { deployment, revision, rolledBack: action !== undefined, message };
}

/** The pod-template annotation `kubectl rollout restart` sets; a changed template makes the Deployment roll. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/**
 * `kubectl rollout restart`: stamps the Deployment's pod template with the time, so the Deployment controller rolls
 * every pod over to a new ReplicationController under its strategy. One compare-and-set write (store.mutate re-reads
 * on a conflict); a paused Deployment is refused, as kubectl refuses it.
 */
export async function restartDeployment(
  store: Store,
  ref: { namespace?: string; name: string },
  options: MutationOptions & { now?: Date } = {},
): Promise<Deployment> {
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  const at = (options.now ?? new Date()).toISOString();
  return store.mutate(
    'Deployment',
    namespace,
    ref.name,
    (live) => {
      checkResourceVersion(live, options.expectedResourceVersion);
      if (live.spec?.paused) {
        throw new CapstanError(
          'CONFLICT',
          `Deployment ${namespace}/${ref.name} is paused and cannot be restarted (resume it first)`,
        );
      }
      const template = live.spec!.template;
      const metadata = template.metadata ?? {};
      const annotations = { ...metadata.annotations, [RESTARTED_AT_ANNOTATION]: at };
      return { ...live, spec: { ...live.spec!, template: { ...template, metadata: { ...metadata, annotations } } } };
    },
    { dryRun: options.dryRun },
  );
}
