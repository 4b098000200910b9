import { performance } from "node:perf_hooks";
import type { Connection } from "./connection";
import { DONE, DRAIN, LoadDriver } from "./driver";

/** After a failed connect, wait this long before the connection tries again (no tight refuse loop). */
const RECONNECT_BACKOFF_MS = 10;

/**
 * Closed loop ("max" mode): every connection sends its next request the moment the previous
 * response arrives, so the system under test sets the pace. Latency is measured from the actual
 * send; a request is measured when it was sent inside the window.
 */
export class ClosedLoopDriver extends LoadDriver {
  private readonly backoffTimers = new Set<NodeJS.Timeout>();

  protected start(now: number): void {
    for (const conn of this.conns) this.sendNext(conn, now);
  }

  private sendNext(conn: Connection, now: number): void {
    if (this.phase >= DRAIN || now >= this.windowEnd) {
      this.checkDrained();
      return;
    }
    conn.sentMs = now;
    conn.measured = now >= this.windowStart;
    if (conn.measured) this.inflightMeasured++;
    conn.send();
  }

  onResponse(conn: Connection, status: number, bytes: number): void {
    const now = performance.now();
    this.record(conn, status, bytes, now, now - conn.sentMs, conn.sentMs - this.windowStart);
    this.sendNext(conn, now);
  }

  onFailure(conn: Connection, kind: string, whileConnecting: boolean): void {
    this.recordFailure(conn, kind);
    if (!whileConnecting) {
      this.sendNext(conn, performance.now());
      return;
    }
    const timer = setTimeout(() => {
      this.backoffTimers.delete(timer);
      if (this.phase !== DONE) this.sendNext(conn, performance.now());
    }, RECONNECT_BACKOFF_MS);
    this.backoffTimers.add(timer);
    this.checkDrained();
  }

  protected afterTimeout(conn: Connection, now: number): void {
    this.sendNext(conn, now);
  }

  protected measuredSettled(): boolean {
    return this.inflightMeasured === 0;
  }

  protected failUnsent(): void {
    // Nothing queues in a closed loop: a request exists only once it is sent.
  }

  protected override onStop(): void {
    for (const t of this.backoffTimers) clearTimeout(t);
    this.backoffTimers.clear();
  }
}
