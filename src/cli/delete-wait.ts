import { CliError } from './cli-error.ts';
import { KIND_INFO, type CliKind } from './kinds.ts';
import { KIND_API, type AnyObject } from './resources.ts';
import type { Session } from './session.ts';

/** An object a `delete` asked to remove, for waiting until it is gone. */
export interface DeletedTarget {
  kind: CliKind;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  name: string;
}

/** `pods/web`, as kubectl names an object in a wait that timed out. */
export function pluralRef(kind: CliKind, name: string): string {
  const resource = KIND_INFO[kind].resource.split('.')[0]!;
  return `${resource.endsWith('s') ? resource : `${resource}s`}/${name}`;
}

/** When a terminating pod's grace period ends (ms since the epoch), or undefined for an object without one. */
export function graceEnd(object: AnyObject): { endsAt: number; seconds: number } | undefined {
  const { deletionTimestamp, deletionGracePeriodSeconds } = object.metadata as {
    deletionTimestamp?: string | null;
    deletionGracePeriodSeconds?: number | null;
  };
  if (object.kind !== 'Pod' || !deletionTimestamp || !deletionGracePeriodSeconds) return undefined;
  const seconds = deletionGracePeriodSeconds;
  return { endsAt: Date.parse(deletionTimestamp) + seconds * 1000, seconds };
}

/**
 * What the wait for one pod says on stderr: while its grace period runs, how much of it is left (or, without
 * `countdown`, only how long it is); once it is over and the pod still there, that its node is removing it.
 */
export function graceMessage(
  name: string,
  grace: { endsAt: number; seconds: number },
  now: number,
  countdown = true,
): string {
  const left = Math.ceil((grace.endsAt - now) / 1000);
  if (left <= 0) return `pod "${name}": grace period over, waiting for its node to remove it`;
  if (!countdown) return `pod "${name}": terminating, grace period ${grace.seconds}s`;
  return `pod "${name}": terminating, ${Math.min(left, grace.seconds)}s of its ${grace.seconds}s grace period left`;
}

/** A status line rewritten in place on a terminal, or lines printed once each when stderr is not one. */
class Progress {
  private shown = '';
  private readonly printed = new Set<string>();

  constructor(
    private readonly session: Session,
    private readonly tty: boolean,
  ) {}

  /** `lines` by pod: on a terminal the first is shown in place; elsewhere each new line of a pod once. */
  show(lines: string[], stable: string[]): void {
    if (this.tty) {
      const text = lines.join('; ');
      if (text !== this.shown) this.session.io.stderr.write(`\r\x1b[K${text}`);
      this.shown = text;
      return;
    }
    for (const line of stable) {
      if (!this.printed.has(line)) this.session.err(line);
      this.printed.add(line);
    }
  }

  clear(): void {
    if (this.tty && this.shown !== '') this.session.io.stderr.write('\r\x1b[K');
    this.shown = '';
  }
}

/** Watches one kind in one namespace until none of `names` is left; `onObject` sees each one still there. */
async function waitGroup(
  session: Session,
  kind: CliKind,
  namespace: string,
  names: Set<string>,
  deadline: number,
  onChange: (name: string, object: AnyObject | undefined) => void,
): Promise<boolean> {
  const only = names.size === 1 ? [...names][0] : undefined;
  const stream = KIND_API[kind].watch(session.api(), {
    ...(KIND_INFO[kind].namespaced ? { namespace } : {}),
    ...(only !== undefined ? { fieldSelector: `metadata.name=${only}` } : {}),
  });
  const uids = new Map<string, string>();
  let listed = false;
  let timedOut = false;
  const timer = Number.isFinite(deadline)
    ? setTimeout(
        () => {
          timedOut = true;
          void stream.close();
        },
        Math.max(0, deadline - Date.now()),
      )
    : undefined;
  const gone = (name: string) => {
    names.delete(name);
    onChange(name, undefined);
  };
  try {
    for await (const event of stream) {
      if (event.type === 'BOOKMARK') {
        // The listing is over: what it did not show is gone already.
        if (!listed) for (const name of [...names]) if (!uids.has(name)) gone(name);
        listed = true;
      } else if (event.object && names.has(event.object.metadata.name)) {
        const { name, uid, deletionTimestamp } = event.object.metadata as { name: string; uid: string } & {
          deletionTimestamp?: string | null;
        };
        const known = uids.get(name);
        // Gone: deleted, or replaced by a new object of the same name (one not being deleted, or another uid).
        if (event.type === 'DELETED' || (known !== undefined && known !== uid) || !deletionTimestamp) gone(name);
        else {
          uids.set(name, uid);
          onChange(name, event.object);
        }
      }
      if (names.size === 0) return true;
    }
    if (timedOut) return false;
    throw new CliError(`the watch of ${KIND_INFO[kind].resource} objects ended before they were gone`);
  } finally {
    clearTimeout(timer);
    await stream.close();
  }
}

/**
 * Waits until every deleted object is gone, as `kubectl delete` does by default (--wait=true). Terminating pods
 * show their grace period passing on stderr. Throws kubectl's `timed out waiting for the condition on KIND/NAME`
 * after `timeoutMs` (0: no limit).
 */
export async function waitForDeletion(session: Session, targets: readonly DeletedTarget[], timeoutMs: number) {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  const groups = new Map<string, { kind: CliKind; namespace: string; names: Set<string> }>();
  for (const t of targets) {
    const key = `${t.kind}/${t.namespace}`;
    const group = groups.get(key) ?? { kind: t.kind, namespace: t.namespace, names: new Set<string>() };
    group.names.add(t.name);
    groups.set(key, group);
  }
  const progress = new Progress(session, Boolean((session.io.stderr as { isTTY?: boolean }).isTTY));
  const pods = new Map<string, { endsAt: number; seconds: number }>();
  const render = () => {
    const now = Date.now();
    const lines = [...pods].map(([name, grace]) => graceMessage(name, grace, now));
    // Off a terminal only the two states print (the countdown would be a line a second).
    const stable = [...pods].map(([name, grace]) => graceMessage(name, grace, now, false));
    progress.show(lines, stable);
  };
  const ticker = setInterval(render, 1000);
  try {
    const results = await Promise.all(
      [...groups.values()].map(async (group) => {
        const ok = await waitGroup(session, group.kind, group.namespace, group.names, deadline, (name, object) => {
          if (group.kind !== 'Pod') return;
          const grace = object && graceEnd(object);
          if (grace) pods.set(name, grace);
          else pods.delete(name);
          render();
        });
        return ok ? [] : [...group.names].map((name) => pluralRef(group.kind, name));
      }),
    );
    const left = results.flat();
    if (left.length > 0) {
      progress.clear();
      throw new CliError(`timed out waiting for the condition on ${left.join(', ')}`);
    }
  } finally {
    clearInterval(ticker);
    progress.clear();
  }
}
