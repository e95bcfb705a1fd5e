import { CliError } from './cli-error.ts';

/** The kinds the CLI reads and writes, with the names kubectl knows them by. */
export type CliKind =
  | 'Pod'
  | 'ReplicationController'
  | 'Deployment'
  | 'Service'
  | 'Endpoints'
  | 'Node'
  | 'Namespace'
  | 'Event'
  | 'PersistentVolumeClaim'
  | 'ConfigMap'
  | 'Secret'
  | 'Lease';

export interface KindInfo {
  kind: CliKind;
  /** Lower-case plural, as `kubectl get` prints it in `-o name` (`pod/web-1`) and in headings. */
  resource: string;
  shortNames: string[];
  namespaced: boolean;
}

export const KIND_INFO: Record<CliKind, KindInfo> = {
  Pod: { kind: 'Pod', resource: 'pod', shortNames: ['po', 'pods'], namespaced: true },
  ReplicationController: {
    kind: 'ReplicationController',
    resource: 'replicationcontroller',
    shortNames: ['rc', 'rcs', 'replicationcontrollers'],
    namespaced: true,
  },
  Deployment: {
    kind: 'Deployment',
    resource: 'deployment.apps',
    shortNames: ['deploy', 'deployments', 'deployment.apps', 'deployments.apps'],
    namespaced: true,
  },
  Service: { kind: 'Service', resource: 'service', shortNames: ['svc', 'services'], namespaced: true },
  Endpoints: { kind: 'Endpoints', resource: 'endpoints', shortNames: ['ep', 'endpoint'], namespaced: true },
  Node: { kind: 'Node', resource: 'node', shortNames: ['no', 'nodes'], namespaced: false },
  Namespace: { kind: 'Namespace', resource: 'namespace', shortNames: ['ns', 'namespaces'], namespaced: false },
  Event: { kind: 'Event', resource: 'event', shortNames: ['ev', 'events'], namespaced: true },
  PersistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    resource: 'persistentvolumeclaim',
    shortNames: ['pvc', 'pvcs', 'persistentvolumeclaims'],
    namespaced: true,
  },
  ConfigMap: { kind: 'ConfigMap', resource: 'configmap', shortNames: ['cm', 'configmaps'], namespaced: true },
  Secret: { kind: 'Secret', resource: 'secret', shortNames: ['secrets'], namespaced: true },
  Lease: {
    kind: 'Lease',
    resource: 'lease.coordination.k8s.io',
    shortNames: ['leases', 'leases.coordination.k8s.io'],
    namespaced: true,
  },
};

/** What `get all` lists, in kubectl's order. */
export const ALL_KINDS: readonly CliKind[] = ['Pod', 'Service', 'Deployment', 'ReplicationController'];

const ALIASES = new Map<string, CliKind>();
for (const info of Object.values(KIND_INFO)) {
  for (const name of [info.kind.toLowerCase(), info.resource, ...info.shortNames]) ALIASES.set(name, info.kind);
}

/** Every name a kind is known by, for help texts and shell completion. */
export function kindNames(): string[] {
  return [...ALIASES.keys()].sort();
}

/** The kind for a name as kubectl accepts it (`po`, `pods`, `Pod`, `deploy`, `svc`...); undefined when unknown. */
export function lookupKind(name: string): CliKind | undefined {
  return ALIASES.get(name.toLowerCase());
}

/** Like lookupKind, but a name it does not know is a one-line user error. */
export function resolveKind(name: string): CliKind {
  const kind = lookupKind(name);
  if (!kind) {
    throw new CliError(
      `unknown resource type "${name}"; known types: pods (po), replicationcontrollers (rc), deployments (deploy), ` +
        'services (svc), endpoints (ep), nodes (no), namespaces (ns), events (ev), persistentvolumeclaims (pvc), ' +
        'configmaps (cm), secrets, leases',
    );
  }
  return kind;
}

/** The plural resource name kubectl's server errors use: `pods`, `endpoints`, `deployments.apps`. */
export function pluralResource(kind: CliKind): string {
  const [base, ...group] = KIND_INFO[kind].resource.split('.') as [string, ...string[]];
  return [base.endsWith('s') ? base : `${base}s`, ...group].join('.');
}

/** kubectl's error for an object that is not there: `Error from server (NotFound): pods "web" not found`. */
export function notFoundLine(kind: CliKind, name: string): string {
  return `Error from server (NotFound): ${pluralResource(kind)} "${name}" not found`;
}

/**
 * kubectl's line for the server's NOT_FOUND message (`Deployment default/web not found`, `Node n1 not found`, as the
 * store words it), or undefined when the message is not about one object of a kind the CLI knows.
 */
export function notFoundLineOf(message: string): string | undefined {
  const match = /^([A-Za-z]+) (?:[^\s/]+\/)?([^\s/]+) not found$/.exec(message.trim());
  if (!match || !Object.hasOwn(KIND_INFO, match[1]!)) return undefined;
  return notFoundLine(match[1] as CliKind, match[2]!);
}

/** {@link notFoundLine} as the error a command fails with (exit 1). */
export function notFound(kind: CliKind, name: string): CliError {
  return new CliError(notFoundLine(kind, name), { bare: true });
}

/** One resource argument: a kind, optionally with a name (`pod/web` or `pod web`). */
export interface ResourceRef {
  kind: CliKind;
  name?: string;
}

/**
 * Reads `get`-style resource arguments like kubectl: `pods`, `pods web-1 web-2`, `pods,svc`, `pod/web-1 svc/web`,
 * and `all`. Mixing `KIND/NAME` with separate names is refused, as kubectl does.
 */
export function parseResourceArgs(args: readonly string[]): ResourceRef[] {
  if (args.length === 0) throw new CliError('you must specify the type of resource to get (e.g. pods, svc, deploy)');
  if (args.some((a) => a.includes('/'))) {
    return args.map((arg) => {
      const slash = arg.indexOf('/');
      if (slash <= 0 || slash === arg.length - 1) {
        throw new CliError(
          `there is no need to specify a resource type as a separate argument when using KIND/NAME: "${arg}"`,
        );
      }
      return { kind: resolveKind(arg.slice(0, slash)), name: arg.slice(slash + 1) };
    });
  }
  const [kinds, ...names] = args as [string, ...string[]];
  const resolved = kinds.split(',').flatMap((k) => (k.toLowerCase() === 'all' ? [...ALL_KINDS] : [resolveKind(k)]));
  if (names.length === 0) return resolved.map((kind) => ({ kind }));
  if (resolved.length > 1) throw new CliError('names can be given for one resource type only (or use KIND/NAME)');
  return names.map((name) => ({ kind: resolved[0]!, name }));
}
