import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { LogLine, LogSource, LogStreamOptions } from '../resolvers/logs.ts';
import type { ContainerInfo, ContainerRuntime } from './runtime.ts';
import { isoTime } from './status.ts';

/** Finds the containers (every attempt still present) that one pod has on this node; undefined if none known. */
export type PodContainerLookup = (pod: Pod) => readonly ContainerInfo[] | undefined;

/**
 * The API's `LogSource` for pods on this node: the newest attempt of the named container, read from the engine.
 * Ending the iteration aborts the engine stream.
 */
export class RuntimeLogSource implements LogSource {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly lookup: PodContainerLookup,
    private readonly nodeName: string,
  ) {}

  stream(pod: Pod, options: LogStreamOptions): AsyncIterable<LogLine> {
    const containers = this.lookup(pod);
    const ref = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    if (!containers) {
      const bound = pod.spec?.nodeName;
      throw new CapstanError(
        bound && bound !== this.nodeName ? 'UNAVAILABLE' : 'NOT_FOUND',
        bound && bound !== this.nodeName
          ? `pod ${ref} runs on node ${bound}, whose logs this server cannot read`
          : `pod ${ref} has no containers on node ${this.nodeName} (yet)`,
      );
    }
    const newest = containers
      .filter((c) => c.name === options.container)
      .sort((a, b) => b.restartCount - a.restartCount || (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (!newest) {
      throw new CapstanError(
        'NOT_FOUND',
        `container ${options.container} of pod ${ref} has not been created yet: no logs`,
      );
    }
    return this.lines(newest.id, options);
  }

  private async *lines(id: string, options: LogStreamOptions): AsyncGenerator<LogLine> {
    const abort = new AbortController();
    const outer = options.signal;
    const onAbort = (): void => abort.abort();
    if (outer?.aborted) return;
    outer?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const line of this.runtime.logs(id, {
        follow: options.follow,
        timestamps: true,
        signal: abort.signal,
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
      })) {
        yield {
          container: options.container,
          text: line.text,
          ...(isoTime(line.timestamp) ? { timestamp: isoTime(line.timestamp) } : {}),
        };
      }
    } finally {
      outer?.removeEventListener('abort', onAbort);
      abort.abort();
    }
  }
}
