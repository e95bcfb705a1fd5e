import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { Identity } from '../auth/identity.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_NAMESPACE } from './objects.ts';

/** How long a command may run when the caller does not say. */
export const DEFAULT_EXEC_TIMEOUT_SECONDS = 60;
/** The longest a command may run: the call holds an HTTP request open all along. */
export const MAX_EXEC_TIMEOUT_SECONDS = 600;
/** Bytes kept of each of stdout and stderr; the rest is dropped and `truncated` set. */
export const EXEC_OUTPUT_LIMIT_BYTES = 1024 * 1024;

export interface ExecRequest {
  container: string;
  /** The program and its arguments, run without a shell (as Kubernetes does). */
  command: string[];
  timeoutSeconds: number;
  /** Aborting stops waiting for the command (the process itself may live on in the container). */
  signal?: AbortSignal;
}

/** What a command run with `capstan exec` printed and how it ended. */
export interface ExecOutput {
  stdout: string;
  stderr: string;
  /** Null when the command did not finish within the timeout. */
  exitCode: number | null;
  timedOut: boolean;
  /** A stream printed more than EXEC_OUTPUT_LIMIT_BYTES; the rest of it was dropped. */
  truncated: boolean;
}

/**
 * The port through which the API runs commands in containers; implemented by the node side (it knows where a pod
 * runs). Throws CapstanError NOT_FOUND for a container that does not exist (yet), CONFLICT for one not running,
 * UNAVAILABLE when its node cannot be reached.
 */
export interface ExecSource {
  exec(pod: Pod, request: ExecRequest): Promise<ExecOutput>;
}

/**
 * Only admins may run commands in containers: a command can read the container's secrets and change what it
 * serves, which is more than any read right (Kubernetes checks `create` on `pods/exec`).
 */
export function authorizeExec(identity: Identity | null, what: string): asserts identity is Identity {
  if (!identity) {
    throw new CapstanError(
      'UNAUTHENTICATED',
      'authentication required: send "Authorization: Bearer <token>" (your token is in ~/.capstan/config)',
    );
  }
  if (identity.role !== 'admin') {
    throw new CapstanError(
      'FORBIDDEN',
      `token "${identity.tokenName}" (role ${identity.role}) may not run commands in containers (${what}): that needs an admin token`,
    );
  }
}

function podRef(pod: Pod): string {
  return `${pod.metadata.namespace ?? DEFAULT_NAMESPACE}/${pod.metadata.name}`;
}

/** Throws unless `command` and `timeoutSeconds` are usable; returns the timeout to use. */
export function validateExecRequest(command: readonly string[], timeoutSeconds: number | undefined): number {
  const violations = [];
  if (command.length === 0 || command[0] === '') {
    violations.push({ field: 'command', message: 'must name a program to run, e.g. ["cat", "/etc/hostname"]' });
  }
  const timeout = timeoutSeconds ?? DEFAULT_EXEC_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_EXEC_TIMEOUT_SECONDS) {
    violations.push({
      field: 'timeoutSeconds',
      message: `must be a whole number of seconds from 1 to ${MAX_EXEC_TIMEOUT_SECONDS}`,
    });
  }
  if (violations.length > 0) throw CapstanError.invalid(violations, 'exec');
  return timeout;
}

/**
 * The container of `pod` to run in: the named one, or the only one. Throws NOT_FOUND for a name the pod does not
 * have, INVALID when the pod has several and none is named.
 */
export function execContainer(pod: Pod, container: string | undefined): string {
  const names = pod.spec?.containers.map((c) => c.name) ?? [];
  if (container !== undefined) {
    if (names.includes(container)) return container;
    throw new CapstanError(
      'NOT_FOUND',
      `container not found ("${container}"): pod ${podRef(pod)} has containers ${names.join(', ')}`,
    );
  }
  if (names.length === 1) return names[0]!;
  throw CapstanError.invalid([
    {
      field: 'container',
      message: `pod ${pod.metadata.name} has several containers; choose one of: ${names.join(', ')}`,
    },
  ]);
}

/**
 * Throws CONFLICT unless the pod's recorded state lets a command run in `container`: bound to a node, not
 * finished, and the container not known to be stopped. A container without a status yet is left to its node.
 */
export function checkExecState(pod: Pod, container: string): void {
  const ref = podRef(pod);
  const phase = pod.status?.phase ?? 'Pending';
  if (!pod.spec?.nodeName) {
    throw new CapstanError(
      'CONFLICT',
      `pod ${ref} is ${phase} and not scheduled to a node yet: there is no container to run a command in`,
    );
  }
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw new CapstanError('CONFLICT', `cannot exec into a container in a completed pod; current phase is ${phase}`);
  }
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  if (status && !status.state.running) {
    const waiting = status.state.waiting?.reason;
    throw new CapstanError(
      'CONFLICT',
      `unable to upgrade connection: container not running ("${container}" of pod ${ref} is ` +
        `${waiting ? `waiting: ${waiting}` : 'terminated'})`,
    );
  }
}

/**
 * `kubectl exec` without stdin or a TTY: resolves the pod and container, checks that it runs, and runs `command`
 * through the exec source, which reaches the pod's node. Throws UNAVAILABLE when this server has no exec source.
 */
export async function execInPod(
  store: Store,
  execSource: ExecSource | undefined,
  ref: { namespace?: string; name: string },
  options: { container?: string; command: string[]; timeoutSeconds?: number },
): Promise<ExecOutput> {
  const timeoutSeconds = validateExecRequest(options.command, options.timeoutSeconds);
  if (!execSource) {
    throw new CapstanError(
      'UNAVAILABLE',
      'commands run on the node agent, and this server has no way to reach node agents configured',
    );
  }
  const pod = await store.get('Pod', ref.namespace ?? DEFAULT_NAMESPACE, ref.name);
  const container = execContainer(pod, options.container);
  checkExecState(pod, container);
  return execSource.exec(pod, { container, command: options.command, timeoutSeconds });
}
