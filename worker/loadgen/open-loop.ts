import { performance } from "node:perf_hooks";
import type { Connection } from "./connection";
import { DONE, type DriverConfig, LoadDriver } from "./driver";
import { TIMEOUT } from "./errors";
import { PreciseTimer } from "./precise-timer";
import { measuredRange, OpenLoopSchedule } from "./schedule";

/**
 * Fixed arrival rate, wrk2 style. Request i is intended at t0 + i/rate. A single pacing timer
 * dispatches every due request to an idle connection; when none is idle the request waits (FIFO,
 * by index) and goes out on the next connection that frees up.
 *
 * What a request is charged: the wait during which every connection was busy is the server's
 * backpressure and counts, from the intended time on, so a server stall is charged to every
 * request that should have been sent during it (no coordinated omission). Any other delay before
 * the send is our own (a late pacing timer, a busy event loop) and does not count: charging it
 * would make the generator's jitter look like server latency. So a request is timed from
 * max(intended time, moment the last idle connection was handed out), or from its actual send
 * when a connection was idle all along. Both simpler rules (every request from its intended time;
 * every request that waited for a connection from its intended time, even when our own late timer
 * had bunched the requests that took the connections) put the generator's jitter into the tail;
 * the bench's latency rows compare the rules with wrk.
 */
export class OpenLoopDriver extends LoadDriver {
  private schedule = new OpenLoopSchedule(0, 1, 0);
  /** Connections with nothing in flight (LIFO: keeps the hottest sockets busy). */
  private readonly idle: Connection[] = [];
  private firstMeasured = 0;
  /** When the last idle connection was handed out (performance.now()); undefined while one is idle. */
  private allBusySinceMs: number | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly tick = () => {
    this.immediate = undefined;
    this.pump();
  };
  private readonly timer = new PreciseTimer(this.tick);

  constructor(
    cfg: DriverConfig,
    private readonly rate: number,
    /**
     * Sleep (PreciseTimer, ~0.1 ms late) until this long before a request is due, then poll with
     * setImmediate for the rest: precision of the poll, CPU cost of the poll only for this stretch.
     */
    private readonly spinMs: number,
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

  /** Hand every due request to an idle connection, then sleep until the next one is due. */
  private pump(): void {
    if (this.phase === DONE) return;
    const now = performance.now();
    while (this.idle.length > 0) {
      const index = this.schedule.take(now);
      if (index < 0) break;
      const conn = this.idle.pop();
      if (conn) this.dispatch(conn, index, now);
    }
    if (this.idle.length === 0) this.allBusySinceMs ??= now;
    this.arm(now);
  }

  private dispatch(conn: Connection, index: number, now: number): void {
    conn.index = index;
    conn.intendedMs = this.schedule.intendedAt(index);
    conn.sentMs = now;
    const busySince = this.allBusySinceMs;
    conn.timedFromMs = busySince === undefined ? now : Math.max(conn.intendedMs, busySince);
    conn.measured = index >= this.firstMeasured;
    if (conn.measured) this.inflightMeasured++;
    conn.send();
  }

  /** One pacing wake-up at a time; none needed while every connection is busy (a completion pumps). */
  private arm(now: number): void {
    if (this.timer.armed || this.immediate || this.idle.length === 0 || this.schedule.done()) return;
    const wait = this.schedule.msUntilNext(now);
    if (wait <= this.spinMs) this.immediate = setImmediate(this.tick);
    else this.timer.arm(now + wait - this.spinMs);
  }

  /** A connection is free again (response, failure or timeout): give it the oldest queued request. */
  private release(conn: Connection, now: number): void {
    if (this.phase === DONE) return;
    const index = this.schedule.take(now);
    if (index >= 0) this.dispatch(conn, index, now);
    else {
      this.allBusySinceMs = undefined;
      this.idle.push(conn);
      this.arm(now);
    }
  }

  onResponse(conn: Connection, status: number, bytes: number): void {
    const now = performance.now();
    // Bucket by index, not by clock arithmetic: float rounding must not move a request across a second.
    const offsetMs = (conn.index * 1000) / this.rate - this.cfg.warmupMs;
    this.record(conn, status, bytes, now, now - conn.timedFromMs, offsetMs);
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
    // Measured requests still queued when the drain ran out: they were never answered.
    for (let i = Math.max(this.schedule.nextIndex, this.firstMeasured); i < this.schedule.totalRequests; i++) {
      this.recorder.error(TIMEOUT);
    }
    this.schedule.nextIndex = this.schedule.totalRequests;
  }

  protected override onStop(): void {
    this.timer.close();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}
