import { performance } from "node:perf_hooks";
import { encodeHistogram, summarize } from "~/core/histogram";
import { ClosedLoopDriver } from "./closed-loop";
import type { DriverConfig, LoadDriver } from "./driver";
import { OpenLoopDriver } from "./open-loop";
import { buildTarget } from "./request";
import type { LoadOptions, LoadResult } from "./types";

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DRAIN_MS = 2_000;
/** Poll at most this long before each send, and at most ~10% of a core in total (see LoadOptions.spinUs). */
const MAX_AUTO_SPIN_US = 200;
const AUTO_SPIN_CPU_SHARE = 0.1;

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(`runLoad: ${message}`);
}

/**
 * Run one load: warm-up, then the measured window, then a short drain for requests still in flight.
 * Resolves with what the window measured. On abort it closes every socket at once and rejects
 * with an Error named "AbortError" (cause = the signal's reason); nothing partial is returned,
 * because a cut-short window is not a result anyone should compare.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { mode, connections, durationMs, warmupMs } = options;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  check(mode === "open" || mode === "closed", `unknown mode ${String(mode)}`);
  check(Number.isInteger(connections) && connections >= 1, "connections must be a positive integer");
  check(Number.isFinite(durationMs) && durationMs > 0, "durationMs must be > 0");
  check(Number.isFinite(warmupMs) && warmupMs >= 0, "warmupMs must be >= 0");
  check(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0, "requestTimeoutMs must be > 0");
  const rate = options.rate;
  if (mode === "open") check(rate !== undefined && Number.isFinite(rate) && rate > 0, "open mode needs a rate > 0");

  const cfg: DriverConfig = {
    target: buildTarget(options.url),
    connections,
    warmupMs,
    durationMs,
    requestTimeoutMs,
    drainMs: Math.min(requestTimeoutMs, MAX_DRAIN_MS),
    onProgress: options.onProgress,
    onWindow: options.onWindow,
  };
  const spinUs = options.spinUs ?? Math.min(MAX_AUTO_SPIN_US, (AUTO_SPIN_CPU_SHARE * 1e6) / (rate ?? 1));
  const driver: LoadDriver = mode === "open" ? new OpenLoopDriver(cfg, rate ?? 1, spinUs / 1000) : new ClosedLoopDriver(cfg);
  await driver.run(options.signal);

  const rec = driver.recorder;
  const measuredSeconds = durationMs / 1000;
  // performance.now() is relative to timeOrigin, a wall-clock instant: that turns window edges into dates.
  const wall = (perfMs: number) => new Date(performance.timeOrigin + perfMs);
  return {
    mode,
    requestedRate: mode === "open" ? (rate ?? null) : null,
    actualRate: driver.windowCompletions / measuredSeconds,
    successes: rec.successes,
    errors: rec.errorsByKind(),
    histogram: rec.histogram,
    histogramBase64: encodeHistogram(rec.histogram),
    latency: summarize(rec.histogram),
    perSecond: rec.perSecond,
    measuredSeconds,
    bytesReceived: rec.bytesReceived,
    startedAt: wall(driver.windowStartMs),
    finishedAt: wall(driver.windowEndMs),
  };
}
