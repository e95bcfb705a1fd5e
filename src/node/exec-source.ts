import { CapstanError, isCapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import { EXEC_OUTPUT_LIMIT_BYTES, type ExecOutput, type ExecRequest, type ExecSource } from '../resolvers/exec.ts';
import type { PodContainerLookup } from './log-source.ts';
import type { ContainerRuntime } from './runtime.ts';

/**
 * The API's `ExecSource` for pods on this node: runs the command in the newest attempt of the named container,
 * which must be running, as the kubelet does for `kubectl exec`.
 */
export class RuntimeExecSource implements ExecSource {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly lookup: PodContainerLookup,
    private readonly nodeName: string,
  ) {}

  async exec(pod: Pod, request: ExecRequest): Promise<ExecOutput> {
    const ref = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    const newest = (this.lookup(pod) ?? [])
      .filter((c) => c.name === request.container)
      .sort((a, b) => b.restartCount - a.restartCount || (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (!newest) {
      throw new CapstanError(
        'NOT_FOUND',
        `container not found ("${request.container}"): pod ${ref} has no such container on node ${this.nodeName} (yet)`,
      );
    }
    const notRunning = () =>
      new CapstanError(
        'CONFLICT',
        `unable to upgrade connection: container not running ("${request.container}" of pod ${ref})`,
      );
    if (newest.state !== 'running') throw notRunning();
    try {
      return await this.runtime.execCommand(newest.id, request.command, {
        timeoutMs: request.timeoutSeconds * 1000,
        limitBytes: EXEC_OUTPUT_LIMIT_BYTES,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (err) {
      // The agent's view lags the engine by up to an event: the container may have stopped since.
      if (isCapstanError(err, 'CONFLICT') || isCapstanError(err, 'NOT_FOUND')) throw notRunning();
      throw err;
    }
  }
}
