import { performance } from "node:perf_hooks";
import { Connection, type ConnectionOwner } from "./connection";
import { httpErrorKind, isSuccessStatus, TIMEOUT } from "./errors";
import { Recorder } from "./recorder";
import type { Target } from "./request";
import type { LoadProgress } from "./types";

export interface DriverConfig {
  target: Target;
  connections: number;
  warmupMs: number;
  durationMs: number;
  requestTimeoutMs: number;
  /** How long after the window to wait for measured requests still in flight. */
  drainMs: number;
  onProgress?: (progress: LoadProgress) => void;
  onWindow?: (edge: "start" | "end") => void;
}

/** Where a run is; DRAIN = the window is over, measured requests still in flight may finish. */
export const WARMUP = 0;
export const MEASURE = 1;
export const DRAIN = 2;
export const DONE = 3;

/** Largest read we hand the parser at once; all connections share it (reads are synchronous). */
const READ_BUFFER_BYTES = 64 * 1024;
/** Pre-connecting longer than this is pointless: requests will connect (and fail) on their own. */
const PRECONNECT_MAX_MS = 2_000;
const PROGRESS_EVERY_MS = 1_000;

export function abortError(signal: AbortSignal): Error {
  const error = new Error("Load run aborted", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

/**
 * What open and closed loops share: connections, the clock and window edges, one periodic sweep
 * (timeouts, progress, drain deadline: no per-request timers), recording, finishing and abort.
 * Subclasses decide when to send and what latency means.
 */
export abstract class LoadDriver implements ConnectionOwner {
  readonly recorder: Recorder;
  /** Successful responses (any request, warm-up included) that completed inside the window: the achieved rate. */
  windowCompletions = 0;
  protected readonly conns: Connection[] = [];
  protected phase = WARMUP;
  protected t0 = 0;
  protected windowStart = 0;
  protected windowEnd = 0;
  protected inflightMeasured = 0;

  private readonly timers: NodeJS.Timeout[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastProgressMs = 0;
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private signal: AbortSignal | undefined;
  private readonly onAbort = () => this.abort();

  constructor(protected readonly cfg: DriverConfig) {
    this.recorder = new Recorder(cfg.durationMs / 1000);
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    for (let i = 0; i < cfg.connections; i++) this.conns.push(new Connection(cfg.target, this, readBuffer));
  }

  /** Send the first requests; t0 and the window edges are set. */
  protected abstract start(now: number): void;
  abstract onResponse(conn: Connection, status: number, bytes: number): void;
  abstract onFailure(conn: Connection, kind: string, whileConnecting: boolean): void;
  /** A request was timed out by the sweep and its connection reset: reuse the connection. */
  protected abstract afterTimeout(conn: Connection, now: number): void;
  /** True when nothing measured can still complete (drain may end early). */
  protected abstract measuredSettled(): boolean;
  /** At the drain deadline: count measured requests that never even got sent. */
  protected abstract failUnsent(): void;

  get windowStartMs(): number {
    return this.windowStart;
  }

  get windowEndMs(): number {
    return this.windowEnd;
  }

  async run(signal?: AbortSignal): Promise<void> {
    this.signal = signal;
    signal?.addEventListener("abort", this.onAbort, { once: true });
    try {
      if (signal?.aborted) throw abortError(signal);
      await Promise.all([this.preconnect(), this.beforeStart()]);
      if (signal?.aborted) throw abortError(signal);
      await new Promise<void>((resolve, reject) => {
        this.settle = { resolve, reject };
        this.begin();
      });
    } finally {
      signal?.removeEventListener("abort", this.onAbort);
      this.stopEverything();
    }
  }

  private async preconnect(): Promise<void> {
    for (const c of this.conns) c.connect();
    const deadline = performance.now() + Math.min(PRECONNECT_MAX_MS, this.cfg.requestTimeoutMs);
    while (this.conns.some((c) => c.connecting) && performance.now() < deadline && !this.signal?.aborted) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private begin(): void {
    const now = performance.now();
    this.t0 = now;
    this.windowStart = now + this.cfg.warmupMs;
    this.windowEnd = this.windowStart + this.cfg.durationMs;
    this.lastProgressMs = now;
    const sweepEvery = Math.min(100, Math.max(10, this.cfg.requestTimeoutMs / 10));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    if (this.cfg.warmupMs > 0) this.timers.push(setTimeout(() => this.enterWindow(), this.cfg.warmupMs));
    else this.enterWindow();
    this.timers.push(setTimeout(() => this.leaveWindow(), this.cfg.warmupMs + this.cfg.durationMs));
    this.start(now);
  }

  /** libuv timers run on a coarse cached clock and can fire up to ~1 ms before performance.now() says so. */
  private tooEarly(edgeMs: number, retry: () => void): boolean {
    const left = edgeMs - performance.now();
    if (left <= 0) return false;
    this.timers.push(setTimeout(retry, Math.ceil(left)));
    return true;
  }

  private enterWindow(): void {
    if (this.phase !== WARMUP || this.tooEarly(this.windowStart, () => this.enterWindow())) return;
    this.phase = MEASURE;
    this.cfg.onWindow?.("start");
  }

  private leaveWindow(): void {
    if (this.phase >= DRAIN || this.tooEarly(this.windowEnd, () => this.leaveWindow())) return;
    this.enterWindow();
    this.phase = DRAIN;
    this.cfg.onWindow?.("end");
    this.timers.push(setTimeout(() => this.finish(), this.cfg.drainMs));
    this.checkDrained();
  }

  /** Book one finished request: success/HTTP error for the window and, if measured, its latency. */
  protected record(conn: Connection, status: number, bytes: number, now: number, latencyMs: number, offsetMs: number): void {
    const ok = isSuccessStatus(status);
    if (ok && now >= this.windowStart && now < this.windowEnd) this.windowCompletions++;
    if (!conn.measured) return;
    conn.measured = false;
    this.inflightMeasured--;
    if (ok) this.recorder.success(latencyMs, offsetMs, bytes);
    else this.recorder.error(httpErrorKind(status), bytes);
  }

  protected recordFailure(conn: Connection, kind: string): void {
    if (!conn.measured) return;
    conn.measured = false;
    this.inflightMeasured--;
    this.recorder.error(kind);
  }

  protected checkDrained(): void {
    if (this.phase === DRAIN && this.measuredSettled()) this.finish();
  }

  private sweep(): void {
    const now = performance.now();
    const timeout = this.cfg.requestTimeoutMs;
    for (const conn of this.conns) {
      if (conn.busy && now - conn.sentMs > timeout) {
        this.recordFailure(conn, TIMEOUT);
        conn.reset();
        if (this.phase < DONE) this.afterTimeout(conn, now);
      }
    }
    if (now - this.lastProgressMs >= PROGRESS_EVERY_MS) {
      this.lastProgressMs = now;
      this.emitProgress(now);
    }
    this.checkDrained();
  }

  private emitProgress(now: number, done = false): void {
    const totalMs = this.cfg.warmupMs + this.cfg.durationMs;
    const onProgress = this.cfg.onProgress;
    if (!onProgress) return;
    this.recorder.takeInterval((interval) =>
      onProgress({
        elapsedMs: done ? totalMs : Math.min(totalMs, now - this.t0),
        totalMs,
        completed: this.recorder.successes,
        errors: this.recorder.errorCount,
        interval,
      }),
    );
  }

  /** End of the run: whatever measured is still unanswered timed out. */
  protected finish(): void {
    if (this.phase === DONE) return;
    this.phase = DONE;
    for (const conn of this.conns) if (conn.busy) this.recordFailure(conn, TIMEOUT);
    this.failUnsent();
    this.emitProgress(performance.now(), true);
    this.stopEverything();
    this.settle?.resolve();
  }

  private abort(): void {
    if (this.phase === DONE) return;
    this.phase = DONE;
    this.stopEverything();
    if (this.signal) this.settle?.reject(abortError(this.signal));
  }

  private stopEverything(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const c of this.conns) c.reset();
    this.onStop();
  }

  /** Subclasses get ready here, concurrently with pre-connecting (the clock has not started). */
  protected async beforeStart(): Promise<void> {}

  /** Subclasses release their own timers here. */
  protected onStop(): void {}
}
