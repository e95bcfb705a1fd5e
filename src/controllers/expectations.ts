/** Kubernetes' ExpectationsTimeout: expectations older than this are considered satisfied. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  /** uids of pods whose deletion was requested and not yet observed. */
  deletes: Set<string>;
  setAt: number;
}

/**
 * Creates and deletes a controller has issued and not yet seen in its informer cache, per controller key, after
 * Kubernetes' UIDTrackingControllerExpectations.
 *
 * Why: the informer lags behind the store. A sync that runs right after creating 3 pods would still see the old
 * pods and create 3 more. The controller records what it expects before issuing the writes, the informer event
 * handlers observe them, and the controller only creates or deletes again once `satisfied(key)`. Deletes are
 * tracked by uid so that a delete observed twice (a DELETED event after a MODIFIED one carrying a
 * deletionTimestamp) counts once. Expectations expire after 5 minutes, so a lost event can stall a controller for
 * a while but never forever.
 */
export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly timeoutMs: number = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** Expect `count` creations for `key`, replacing whatever was expected before. */
  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { adds: count, deletes: new Set(), setAt: this.now() });
  }

  /** Expect the deletion of these pods (by uid) for `key`, replacing whatever was expected before. */
  expectDeletions(key: string, podUids: readonly string[]): void {
    this.byKey.set(key, { adds: 0, deletes: new Set(podUids), setAt: this.now() });
  }

  /** The informer saw a pod created for `key` (or a create failed and will never be seen). */
  creationObserved(key: string): void {
    const exp = this.byKey.get(key);
    if (exp) exp.adds--;
  }

  /** The informer saw the pod `podUid` of `key` deleted or marked for deletion (or the delete failed). */
  deletionObserved(key: string, podUid: string): void {
    this.byKey.get(key)?.deletes.delete(podUid);
  }

  /**
   * True when `key` may create or delete again: nothing is recorded for it, everything expected has been seen,
   * or the expectation is older than the timeout.
   */
  satisfied(key: string): boolean {
    const exp = this.byKey.get(key);
    if (!exp) return true;
    if (exp.adds <= 0 && exp.deletes.size === 0) return true;
    return this.now() - exp.setAt > this.timeoutMs;
  }

  /** Forget `key` (its controller was deleted). */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** What is still outstanding for `key`, for logs and tests. */
  pending(key: string): { adds: number; deletes: number } | undefined {
    const exp = this.byKey.get(key);
    return exp && { adds: Math.max(0, exp.adds), deletes: exp.deletes.size };
  }
}
