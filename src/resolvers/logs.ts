import { CapstanError } from '../api/errors.ts';
import type { Pod } from '../api/types.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_NAMESPACE } from './objects.ts';

/** One line of a container's output. */
export interface LogLine {
  container: string;
  text: string;
  /** When the runtime recorded the line (ISO), if it knows. */
  timestamp?: string;
}

export interface LogStreamOptions {
  container: string;
  /** Keep streaming new lines until the container stops or the caller stops iterating. */
  follow: boolean;
  /** Start with only this many of the most recent lines. */
  tailLines?: number;
  /** Aborting releases the stream at once, even while it waits for the next line. */
  signal?: AbortSignal;
}

/**
 * The port through which the API reads container logs; implemented by the node agent side (it knows where a pod
 * runs). Ending the iteration (`return()`) must release the underlying stream.
 */
export interface LogSource {
  /**
   * Throws (or rejects with) CapstanError NOT_FOUND when the container has no logs (yet), UNAVAILABLE when its node
   * cannot be reached. A source that must reach another machine first resolves once the stream is open.
   */
  stream(pod: Pod, options: LogStreamOptions): AsyncIterable<LogLine> | Promise<AsyncIterable<LogLine>>;
}

/**
 * `kubectl logs`: resolves the pod and container (the only one when not named) and streams from the log source.
 * Throws UNAVAILABLE when this server has no log source, INVALID when a container must be named or is unknown.
 */
export async function podLogs(
  store: Store,
  logSource: LogSource | undefined,
  ref: { namespace?: string; name: string },
  options: { container?: string; follow?: boolean; tailLines?: number },
): Promise<AsyncIterable<LogLine>> {
  if (!logSource) {
    throw new CapstanError(
      'UNAVAILABLE',
      'container logs come from the node agent, and this server has no log source configured',
    );
  }
  const pod = await store.get('Pod', ref.namespace ?? DEFAULT_NAMESPACE, ref.name);
  const names = pod.spec?.containers.map((c) => c.name) ?? [];
  const container = options.container ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined || !names.includes(container)) {
    const message = options.container
      ? `pod ${ref.name} has no container ${options.container} (containers: ${names.join(', ')})`
      : `pod ${ref.name} has several containers; choose one of: ${names.join(', ')}`;
    throw CapstanError.invalid([{ field: 'container', message }]);
  }
  if (options.tailLines !== undefined && (!Number.isInteger(options.tailLines) || options.tailLines < 0)) {
    throw CapstanError.invalid([{ field: 'tailLines', message: 'must be an integer of 0 or more' }]);
  }
  return logSource.stream(pod, { container, follow: options.follow ?? false, tailLines: options.tailLines });
}
