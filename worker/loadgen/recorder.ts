import { createLatencyHistogram, type Histogram, recordLatencyUs } from "~/core/histogram";
import type { LoadIntervalSample } from "./types";

/**
 * Accumulates what the measured window produced. Callers decide what is "measured" (by intended
 * or send time); the recorder only counts, so open and closed loops share it.
 */
export class Recorder {
  readonly histogram: Histogram = createLatencyHistogram();
  successes = 0;
  errorCount = 0;
  bytesReceived = 0;
  readonly perSecond: number[];
  private readonly errors = new Map<string, number>();
  /** Since the last takeInterval(): what live charts plot. */
  private readonly intervalHistogram: Histogram = createLatencyHistogram();
  private intervalSuccesses = 0;
  private intervalErrors = new Map<string, number>();

  constructor(readonly windowSeconds: number) {
    this.perSecond = new Array<number>(Math.max(1, Math.ceil(windowSeconds))).fill(0);
  }

  /** `offsetMs`: the request's (intended or send) time from the window start, for perSecond. */
  success(latencyMs: number, offsetMs: number, bytes: number): void {
    recordLatencyUs(this.histogram, latencyMs * 1000);
    recordLatencyUs(this.intervalHistogram, latencyMs * 1000);
    this.intervalSuccesses++;
    this.successes++;
    this.bytesReceived += bytes;
    const second = Math.min(this.perSecond.length - 1, Math.max(0, Math.floor(offsetMs / 1000)));
    this.perSecond[second] = (this.perSecond[second] ?? 0) + 1;
  }

  error(kind: string, bytes = 0): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    this.intervalErrors.set(kind, (this.intervalErrors.get(kind) ?? 0) + 1);
    this.errorCount++;
    this.bytesReceived += bytes;
  }

  /** Hands the interval to `use`, then starts a new one (the histogram is reused, not copied). */
  takeInterval(use: (interval: LoadIntervalSample) => void): void {
    try {
      use({
        responses: this.intervalSuccesses,
        errors: Object.fromEntries(this.intervalErrors),
        histogram: this.intervalHistogram,
      });
    } finally {
      this.intervalHistogram.reset();
      this.intervalSuccesses = 0;
      this.intervalErrors = new Map();
    }
  }

  errorsByKind(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }
}
