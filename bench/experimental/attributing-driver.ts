import { performance } from "node:perf_hooks";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import type { Connection } from "~/worker/loadgen/connection";
import { DONE, type DriverConfig, LoadDriver } from "~/worker/loadgen/driver";
import { TIMEOUT } from "~/worker/loadgen/errors";
import { PreciseTimer } from "~/worker/loadgen/precise-timer";
import { measuredRange, OpenLoopSchedule } from "~/worker/loadgen/schedule";

/**
 * EXPERIMENT, not product code: worker/loadgen/open-loop.ts with two changes, to measure a fix.
 * Change 1 landed in the product and was later narrowed there (open-loop.ts: the wait is charged
 * only from when every connection was busy); change 2 (no busy-polling) has not landed.
 *
 * 1. Latency is charged from the intended time only for a request that had to wait for a busy
 *    connection (handed out in release(): the server was slow, so no coordinated omission); a
 *    request sent on a connection that sat idle is timed from its actual send, because any delay
 *    there is our own timer's, not the server's. Our lateness is kept apart (`lateness`).
 * 2. No setImmediate spinning. The pacing timer wakes at most every `minWakeMs` (0 = for every
 *    request) and sends everything due: fewer wake-ups, less CPU, slightly burstier arrivals.
 */
export class AttributingOpenLoopDriver extends LoadDriver {
  readonly lateness = createLatencyHistogram();
  private schedule = new OpenLoopSchedule(0, 1, 0);
  private readonly idle: Connection[] = [];
  private readonly queued = new Set<Connection>();
  private firstMeasured = 0;
  private readonly timer = new PreciseTimer(() => this.pump());

  constructor(
    cfg: DriverConfig,
    private readonly rate: number,
    private readonly minWakeMs: number,
  ) {
    super(cfg);
  }

  protected override beforeStart(): Promise<void> {
    return this.timer.ready();
  }

  protected start(now: number): void {
    const { first, end } = measuredRange(this.rate, this.cfg.warmupMs, this.cfg.durationMs);
    this.firstMeasured = first;
    this.schedule = new OpenLoopSchedule(now, this.rate, end);
    this.idle.push(...this.conns);
    this.pump();
  }

  private pump(): void {
    if (this.phase === DONE) return;
    const now = performance.now();
    while (this.idle.length > 0) {
      const index = this.schedule.take(now);
      if (index < 0) break;
      const conn = this.idle.pop();
      if (conn) this.dispatch(conn, index, now, false);
    }
    this.arm(now);
  }

  private dispatch(conn: Connection, index: number, now: number, queued: boolean): void {
    conn.index = index;
    conn.intendedMs = this.schedule.intendedAt(index);
    conn.sentMs = now;
    conn.measured = index >= this.firstMeasured;
    if (queued) this.queued.add(conn);
    else this.queued.delete(conn);
    if (conn.measured) {
      this.inflightMeasured++;
      recordLatencyUs(this.lateness, (now - conn.intendedMs) * 1000);
    }
    conn.send();
  }

  private arm(now: number): void {
    if (this.timer.armed || this.idle.length === 0 || this.schedule.done()) return;
    const wait = Math.max(this.schedule.msUntilNext(now), this.minWakeMs);
    this.timer.arm(now + wait);
  }

  private release(conn: Connection, now: number): void {
    if (this.phase === DONE) return;
    const index = this.schedule.take(now);
    if (index >= 0) this.dispatch(conn, index, now, true);
    else {
      this.idle.push(conn);
      this.arm(now);
    }
  }

  onResponse(conn: Connection, status: number, bytes: number): void {
    const now = performance.now();
    const offsetMs = (conn.index * 1000) / this.rate - this.cfg.warmupMs;
    const from = this.queued.has(conn) ? conn.intendedMs : conn.sentMs;
    this.record(conn, status, bytes, now, now - from, offsetMs);
    this.release(conn, now);
    this.checkDrained();
  }

  onFailure(conn: Connection, kind: string): void {
    const now = performance.now();
    this.recordFailure(conn, kind);
    this.release(conn, now);
    this.checkDrained();
  }

  protected afterTimeout(conn: Connection, now: number): void {
    this.release(conn, now);
  }

  protected measuredSettled(): boolean {
    return this.schedule.done() && this.inflightMeasured === 0;
  }

  protected failUnsent(): void {
    for (let i = Math.max(this.schedule.nextIndex, this.firstMeasured); i < this.schedule.totalRequests; i++)
      this.recorder.error(TIMEOUT);
    this.schedule.nextIndex = this.schedule.totalRequests;
  }

  protected override onStop(): void {
    this.timer.close();
  }
}
