/**
 * The open-loop arrival schedule (wrk2 style), pure so it can be tested with a fake clock.
 *
 * Request i is *intended* at startMs + i * 1000 / rate, whatever the system under test does.
 * The sender dispatches requests in index order; a request that could not be sent on time (no idle
 * connection) waits in an implicit FIFO queue: the indices between `nextIndex` and `dueCount(now)`.
 * Latency is measured from the intended time, so time spent queued behind a stall is charged to
 * every request that arrived during it (no coordinated omission).
 */
export class OpenLoopSchedule {
  /** Index of the next request to dispatch; everything below has been handed to a connection. */
  nextIndex = 0;

  constructor(
    readonly startMs: number,
    readonly rate: number,
    /** Requests in the whole run (warm-up + window): indices 0 .. totalRequests - 1. */
    readonly totalRequests: number,
  ) {
    if (!(rate > 0)) throw new RangeError("rate must be > 0");
  }

  intendedAt(index: number): number {
    return this.startMs + (index * 1000) / this.rate;
  }

  /** How many requests (from index 0) are intended at or before `nowMs`. */
  dueCount(nowMs: number): number {
    if (nowMs < this.startMs) return 0;
    let k = Math.floor(((nowMs - this.startMs) * this.rate) / 1000) + 1;
    // Correct the float estimate against intendedAt, the single definition of "intended".
    while (k > 0 && this.intendedAt(k - 1) > nowMs) k--;
    while (k < this.totalRequests && this.intendedAt(k) <= nowMs) k++;
    return Math.min(k, this.totalRequests);
  }

  /** Requests that are due but not yet dispatched. */
  queued(nowMs: number): number {
    return Math.max(0, this.dueCount(nowMs) - this.nextIndex);
  }

  /** Dispatch the oldest due request: its index, or -1 when nothing is due. */
  take(nowMs: number): number {
    if (this.nextIndex >= this.totalRequests || this.intendedAt(this.nextIndex) > nowMs) return -1;
    return this.nextIndex++;
  }

  /** Milliseconds until the next undispatched request is due (≤ 0: due now); Infinity when all are dispatched. */
  msUntilNext(nowMs: number): number {
    return this.nextIndex >= this.totalRequests ? Infinity : this.intendedAt(this.nextIndex) - nowMs;
  }

  done(): boolean {
    return this.nextIndex >= this.totalRequests;
  }
}

/** First index whose intended time is at or after `offsetMs` from the start. */
export function firstIndexAtOrAfter(rate: number, offsetMs: number): number {
  let i = Math.ceil((offsetMs * rate) / 1000);
  while (i > 0 && ((i - 1) * 1000) / rate >= offsetMs) i--;
  while ((i * 1000) / rate < offsetMs) i++;
  return i;
}

/**
 * The measured requests of an open-loop run: indices [first, end). Warm-up requests come before
 * `first`; the run sends nothing after `end`. So the window holds exactly rate × duration requests
 * (± 1 for fractional products), which is what makes the achieved rate comparable to the target.
 */
export function measuredRange(rate: number, warmupMs: number, durationMs: number): { first: number; end: number } {
  return { first: firstIndexAtOrAfter(rate, warmupMs), end: firstIndexAtOrAfter(rate, warmupMs + durationMs) };
}
