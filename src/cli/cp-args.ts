import { posix } from 'node:path';
import { CliError } from './cli-error.ts';

/** One side of `capstan cp`: a path on this machine, or `[NAMESPACE/]POD:PATH` in a container. */
export type CopyEnd = { local: string } | { namespace?: string; pod: string; path: string };

const REMOTE = /^(?:([a-z0-9][-a-z0-9.]*)\/)?([a-z0-9][-a-z0-9.]*):(.*)$/;

/**
 * Parses one argument of `capstan cp` as kubectl does: `POD:PATH` or `NAMESPACE/POD:PATH` is in a container, any
 * other argument (and one starting with `/`, `.` or `~`, even with a colon in it) is a local path.
 */
export function parseCopyEnd(arg: string): CopyEnd {
  if (arg === '') throw new CliError('a path must not be empty');
  if (/^[/.~]/.test(arg)) return { local: arg };
  const match = REMOTE.exec(arg);
  if (!match) return { local: arg };
  const [, namespace, pod, path] = match as unknown as [string, string | undefined, string, string];
  if (path === '') throw new CliError(`${arg}: name a path in the container after the colon, e.g. ${pod}:/tmp/file`);
  return { ...(namespace ? { namespace } : {}), pod, path };
}

/** The direction of a copy: exactly one end must be in a container. */
export function copyPlan(
  source: string,
  destination: string,
):
  | { direction: 'download'; remote: Exclude<CopyEnd, { local: string }>; local: string }
  | { direction: 'upload'; remote: Exclude<CopyEnd, { local: string }>; local: string } {
  const from = parseCopyEnd(source);
  const to = parseCopyEnd(destination);
  if ('local' in from && 'local' in to) {
    throw new CliError('one of the paths must be in a container: POD:PATH (or NAMESPACE/POD:PATH)');
  }
  if (!('local' in from) && !('local' in to)) throw new CliError('copying between two containers is not supported');
  if ('local' in from)
    return { direction: 'upload', remote: to as Exclude<CopyEnd, { local: string }>, local: from.local };
  return { direction: 'download', remote: from, local: (to as { local: string }).local };
}

/**
 * The folder and the name tar works with for a path in a container: `/var/log/app.log` → `/var/log` and `app.log`
 * (a relative path is relative to the container's working directory). The root itself cannot be copied by name.
 */
export function remoteParts(path: string): { parent: string; name: string } {
  const normal = posix.normalize(path).replace(/\/+$/, '');
  const name = posix.basename(normal);
  if (normal === '' || name === '' || name === '.' || name === '..') {
    throw new CliError(`${path}: name a file or a folder in the container, not "/" or "."`);
  }
  return { parent: posix.dirname(normal), name };
}
