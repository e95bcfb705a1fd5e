/**
 * Lets a repeated log line through at most once per `intervalMs`, saying how many were held back since the last
 * one: a failure that repeats every few seconds (a reader retrying with back-off) is one line per interval, not a
 * flood, and still visible at once when it starts.
 */
export class LogEvery {
  private last = -Infinity;
  private held = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `log` with the number of calls held back before this one, or holds this one back. */
  maybe(log: (suppressed: number) => void): void {
    const now = this.now();
    if (now - this.last < this.intervalMs) {
      this.held++;
      return;
    }
    const suppressed = this.held;
    this.last = now;
    this.held = 0;
    log(suppressed);
  }
}
