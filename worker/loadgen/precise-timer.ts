import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";

/**
 * A one-shot timer with ~0.1 ms precision that costs no CPU while it waits.
 *
 * Why: libuv timers have 1 ms granularity and usually fire up to a millisecond late. An open-loop
 * load generator charges its own sending delay to the system under test (latency is measured from
 * the intended time), so a millisecond of timer slop would swamp the ~0.1–0.5 ms a proxy hop costs.
 * Polling with setImmediate is precise but burns a whole core at a few thousand requests a second,
 * a core the proxies being measured need (this machine kind has two).
 *
 * How: a helper thread sleeps in Atomics.wait (a futex with a sub-millisecond timeout), then posts
 * a message, which wakes the main event loop at once. Re-arming is a shared-memory write plus a
 * notify; no message goes the other way and nothing is allocated per arm.
 */
const HELPER = `
const { parentPort, workerData } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const ctrl = new Int32Array(workerData, 0, 2); // [0] arm sequence, [1] stop flag
const target = new Float64Array(workerData, 8, 1); // absolute ms (timeOrigin + now)
const now = () => performance.timeOrigin + performance.now();
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 1) === 1) break;
  for (;;) {
    const remaining = target[0] - now();
    if (remaining <= 0) { parentPort.postMessage(seen); break; }
    if (Atomics.wait(ctrl, 0, seen, remaining) !== "timed-out") {
      seen = Atomics.load(ctrl, 0); // re-armed (or stopped) while sleeping
      if (Atomics.load(ctrl, 1) === 1) process.exit(0);
    }
  }
}
`;

export class PreciseTimer {
  private readonly ctrl: Int32Array;
  private readonly target: Float64Array;
  private readonly worker: Worker | null;
  private fallback: NodeJS.Timeout | undefined;
  private helperAlive = false;
  private seq = 0;
  private readonly online: Promise<void>;
  /** Sequence number of the pending arm; 0 when nothing is pending. */
  private pending = 0;

  constructor(private readonly onFire: () => void) {
    const shared = new SharedArrayBuffer(16);
    this.ctrl = new Int32Array(shared, 0, 2);
    this.target = new Float64Array(shared, 8, 1);
    let worker: Worker | null = null;
    let online: Promise<void> = Promise.resolve();
    try {
      worker = new Worker(HELPER, { eval: true, workerData: shared });
      this.helperAlive = true;
      worker.unref();
      const w = worker;
      online = new Promise<void>((resolve) => {
        w.once("online", () => resolve());
        w.once("exit", () => resolve());
      });
      worker.on("message", (seq: number) => {
        if (seq !== this.pending) return; // fired for an arm that was replaced or cancelled
        this.pending = 0;
        this.onFire();
      });
      // A dead helper only degrades precision: arm() falls back to setTimeout.
      worker.on("error", () => undefined);
      worker.on("exit", () => {
        this.helperAlive = false;
        const seq = this.pending;
        if (seq !== 0) setImmediate(() => this.fallbackFire(seq)); // the caller re-arms, on setTimeout now
      });
    } catch {
      worker = null;
    }
    this.worker = worker;
    this.online = online;
  }

  /** Resolves once the helper thread runs: arms before that would fire only after its start-up (tens of ms). */
  ready(): Promise<void> {
    return this.online;
  }

  get armed(): boolean {
    return this.pending !== 0;
  }

  /** Fire once at `atMs` (this thread's performance.now() time base). Replaces a pending arm. */
  arm(atMs: number): void {
    this.pending = ++this.seq;
    if (this.helperAlive) {
      this.target[0] = performance.timeOrigin + atMs;
      Atomics.store(this.ctrl, 0, this.seq);
      Atomics.notify(this.ctrl, 0);
    } else {
      // No helper thread: ordinary timer, 1 ms granularity.
      clearTimeout(this.fallback);
      const seq = this.seq;
      this.fallback = setTimeout(() => this.fallbackFire(seq), Math.max(0, atMs - performance.now()));
    }
  }

  cancel(): void {
    this.pending = 0;
    clearTimeout(this.fallback);
  }

  /** Stop the helper thread. The timer cannot be used afterwards. */
  close(): void {
    this.cancel();
    Atomics.store(this.ctrl, 1, 1);
    Atomics.store(this.ctrl, 0, ++this.seq);
    Atomics.notify(this.ctrl, 0);
    void this.worker?.terminate();
  }

  private fallbackFire(seq: number): void {
    if (seq !== this.pending) return;
    this.pending = 0;
    this.onFire();
  }
}
