import type { Readable, Writable } from 'node:stream';
import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { checkExecState, execContainer } from './exec.ts';
import { DEFAULT_NAMESPACE } from './objects.ts';

/**
 * One running stream to a container or a pod's port: a process' stdio (exec, attach) or a TCP connection
 * (port-forward). Whoever serves it pumps `stdout`/`stderr` out and feeds `stdin`, then reports `done`.
 */
export interface StreamSession {
  /** The process' stdout, or the terminal with a TTY; for port-forward the bytes from the pod. */
  readonly stdout: Readable;
  /** stderr; absent with a TTY and for port-forward. */
  readonly stderr?: Readable;
  /** stdin when it was asked for; for port-forward the bytes to the pod. `end()` is stdin's EOF (TCP: FIN). */
  readonly stdin?: Writable;
  /** Sets the terminal's size (with a TTY). */
  resize?(width: number, height: number): Promise<void>;
  /** Resolves once the process (or connection) ended and its output was read: the exit code when there is one. */
  readonly done: Promise<{ exitCode?: number }>;
  /** Ends the stream from the caller's side (the client went away). */
  close(): void;
}

export interface ExecStreamOptions {
  container: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
}

export interface AttachStreamOptions {
  container: string;
  stdin: boolean;
  tty: boolean;
}

/**
 * Streams to pods, implemented by whoever reaches the pod's node: the node agent itself (Docker exec and attach,
 * a TCP connection to the pod's IP), or the API server through the node's endpoint. Throws CapstanError
 * NOT_FOUND, CONFLICT (not running) or UNAVAILABLE (node unreachable) before a stream starts.
 */
export interface PodStreamSource {
  exec(pod: Pod, options: ExecStreamOptions): Promise<StreamSession>;
  attach(pod: Pod, options: AttachStreamOptions): Promise<StreamSession>;
  portForward(pod: Pod, port: number): Promise<StreamSession>;
}

/** The longest command line a stream request may carry. */
const MAX_COMMAND_BYTES = 64 * 1024;

/** Throws INVALID unless `command` names a program and fits in a request. */
export function validateStreamCommand(command: readonly string[]): void {
  if (command.length === 0 || command[0] === '') {
    throw CapstanError.invalid([{ field: 'command', message: 'must name a program to run, e.g. command=sh' }], 'exec');
  }
  if (command.reduce((n, word) => n + Buffer.byteLength(word) + 1, 0) > MAX_COMMAND_BYTES) {
    throw CapstanError.invalid([{ field: 'command', message: `must be at most ${MAX_COMMAND_BYTES} bytes` }], 'exec');
  }
}

/** A TCP port number, or INVALID. */
export function validatePort(value: string | null | undefined): number {
  const port = Number(value);
  if (value === null || value === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw CapstanError.invalid([
      { field: 'port', message: `must be one TCP port from 1 to 65535, got "${value ?? ''}"` },
    ]);
  }
  return port;
}

/**
 * The pod and container an exec or attach stream is for: NOT_FOUND for an unknown pod or container, INVALID when
 * the pod has several containers and none is named, CONFLICT when it is not running (as the exec mutation).
 */
export async function streamTarget(
  store: Store,
  ref: { namespace?: string; name: string },
  container: string | undefined,
): Promise<{ pod: Pod; container: string }> {
  const pod = await store.get('Pod', ref.namespace ?? DEFAULT_NAMESPACE, ref.name);
  const name = execContainer(pod, container);
  checkExecState(pod, name);
  return { pod, container: name };
}

/** The pod a port-forward is for: it must run on a node and have an IP. */
export async function portForwardTarget(store: Store, ref: { namespace?: string; name: string }): Promise<Pod> {
  const pod = await store.get('Pod', ref.namespace ?? DEFAULT_NAMESPACE, ref.name);
  const phase = pod.status?.phase ?? 'Pending';
  if (!pod.spec?.nodeName || phase !== 'Running' || !pod.status?.podIP) {
    throw new CapstanError(
      'CONFLICT',
      `unable to forward to pod ${pod.metadata.namespace ?? DEFAULT_NAMESPACE}/${pod.metadata.name}: it is ${phase}` +
        (pod.status?.podIP ? '' : ' without an IP yet'),
    );
  }
  return pod;
}
