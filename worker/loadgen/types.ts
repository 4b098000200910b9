import type { Histogram } from "~/core/histogram";
import type { LatencySummary } from "~/core/result";

export type LoadMode = "open" | "closed";

export interface LoadProgress {
  /** Since the start of warm-up. */
  elapsedMs: number;
  /** Warm-up plus measured window (the drain after it is not included). */
  totalMs: number;
  /** Successful measured responses so far. */
  completed: number;
  /** Failed measured requests so far. */
  errors: number;
  /** What the measured window produced since the previous progress call, for live charts. */
  interval: LoadIntervalSample;
}

/** Measured requests finished since the previous sample (about a second). Valid only during the callback. */
export interface LoadIntervalSample {
  responses: number;
  errors: Record<string, number>;
  /** Latency (µs) of the successful responses in the interval; reset after the callback returns. */
  histogram: Histogram;
}

export interface LoadOptions {
  /** http://host:port/path; plain HTTP/1.1 only. */
  url: string;
  /** open: fixed arrival rate, latency from the intended send time. closed: each connection back to back ("max"). */
  mode: LoadMode;
  /** Requests per second; required in open mode, ignored in closed mode. */
  rate?: number;
  connections: number;
  /** The measured window. */
  durationMs: number;
  /** Discarded lead-in before the measured window. */
  warmupMs: number;
  /** A request in flight longer than this is failed as `timeout` and its connection replaced. Default 10 s. */
  requestTimeoutMs?: number;
  /** Abort: sockets are closed at once and runLoad rejects with an error named "AbortError". */
  signal?: AbortSignal;
  /** About once a second. */
  onProgress?: (progress: LoadProgress) => void;
  /** When the measured window starts and ends, so callers can sample resources over exactly that window. */
  onWindow?: (edge: "start" | "end") => void;
  /**
   * Open mode pacing: the scheduler sleeps on a precise helper-thread timer (wakes ~0.1 ms late)
   * until this long before a request is due, then polls with setImmediate (wakes µs late, costs
   * CPU). Default: min(200 µs, 10% of the request interval), so the polling stays under ~10% of a
   * core at any rate. 0 = never poll.
   */
  spinUs?: number;
}

export interface LoadResult {
  mode: LoadMode;
  /** Target rate in open mode, null in closed mode. */
  requestedRate: number | null;
  /** Successful (2xx) measured responses per second of the measured window. */
  actualRate: number;
  /** Successful measured responses. */
  successes: number;
  /** Failed measured requests by kind: http_<status>, connect_refused, connection_reset, timeout, protocol, <errno>. */
  errors: Record<string, number>;
  /** Latency in µs of successful measured responses. */
  histogram: Histogram;
  /** hdr-histogram-js compressed base64 of `histogram`. */
  histogramBase64: string;
  latency: LatencySummary | null;
  /** Successful responses per second of the window, bucketed by intended (open) or actual (closed) send second. */
  perSecond: number[];
  measuredSeconds: number;
  /** Response bytes (head and body) of measured requests. */
  bytesReceived: number;
  /** Wall-clock edges of the measured window. */
  startedAt: Date;
  finishedAt: Date;
}
