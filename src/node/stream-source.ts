import { connect } from 'node:net';
import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type {
  AttachStreamOptions,
  ExecStreamOptions,
  PodStreamSource,
  StreamSession,
} from '../resolvers/pod-streams.ts';
import type { PodContainerLookup } from './log-source.ts';
import type { ContainerInfo, ContainerRuntime } from './runtime.ts';

/** How long the node waits for the pod's port to accept a connection (a busy server drops SYNs and they are retried). */
const CONNECT_TIMEOUT_MS = 30_000;

/**
 * The node's PodStreamSource: exec and attach with Docker in the newest attempt of the container (which must be
 * running), and port-forward as a TCP connection from the node to the pod's IP and port, as the kubelet does.
 */
export class RuntimeStreamSource implements PodStreamSource {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly lookup: PodContainerLookup,
    private readonly nodeName: string,
  ) {}

  private running(pod: Pod, container: string): ContainerInfo {
    const ref = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    const newest = (this.lookup(pod) ?? [])
      .filter((c) => c.name === container)
      .sort((a, b) => b.restartCount - a.restartCount || (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (!newest) {
      throw new CapstanError(
        'NOT_FOUND',
        `container not found ("${container}"): pod ${ref} has no such container on node ${this.nodeName} (yet)`,
      );
    }
    if (newest.state !== 'running') {
      throw new CapstanError(
        'CONFLICT',
        `unable to upgrade connection: container not running ("${container}" of pod ${ref})`,
      );
    }
    return newest;
  }

  private async guard(pod: Pod, container: string, open: () => Promise<StreamSession>): Promise<StreamSession> {
    try {
      return await open();
    } catch (err) {
      // The agent's view lags the engine by up to an event: the container may have stopped since.
      if (isCapstanError(err, 'CONFLICT') || isCapstanError(err, 'NOT_FOUND')) {
        throw new CapstanError(
          'CONFLICT',
          `unable to upgrade connection: container not running ("${container}" of pod ${pod.metadata.name})`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  exec(pod: Pod, options: ExecStreamOptions): Promise<StreamSession> {
    const { id } = this.running(pod, options.container);
    return this.guard(pod, options.container, () =>
      this.runtime.execSession(id, options.command, { stdin: options.stdin, tty: options.tty }),
    );
  }

  attach(pod: Pod, options: AttachStreamOptions): Promise<StreamSession> {
    const { id } = this.running(pod, options.container);
    return this.guard(pod, options.container, () => this.runtime.attachSession(id, { stdin: options.stdin }));
  }

  portForward(pod: Pod, port: number): Promise<StreamSession> {
    const ip = pod.status?.podIP;
    const ref = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    if (!ip) throw new CapstanError('CONFLICT', `pod ${ref} has no IP yet: nothing to forward to`);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: ip, port, allowHalfOpen: true, timeout: CONNECT_TIMEOUT_MS });
      const fail = (err: Error): void => {
        socket.destroy();
        reject(
          new CapstanError('CONFLICT', `error forwarding port ${port} to pod ${ref} (${ip}:${port}): ${err.message}`, {
            cause: err,
          }),
        );
      };
      socket.once('timeout', () => fail(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)));
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        socket.on('error', () => undefined);
        const done = new Promise<{ exitCode?: number }>((r) => socket.once('close', () => r({})));
        resolve({ stdout: socket, stdin: socket, done, close: () => socket.destroy() });
      });
    });
  }
}
