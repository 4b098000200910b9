import { createLatencyHistogram, type Histogram, recordLatencyUs } from "~/server/domain/histogram";

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

  constructor(readonly windowSeconds: number) {
    this.perSecond = new Array<number>(Math.max(1, Math.ceil(windowSeconds))).fill(0);
  }

  /** `offsetMs`: the request's (intended or send) time from the window start, for perSecond. */
  success(latencyMs: number, offsetMs: number, bytes: number): void {
    recordLatencyUs(this.histogram, latencyMs * 1000);
    this.successes++;
    this.bytesReceived += bytes;
    const second = Math.min(this.perSecond.length - 1, Math.max(0, Math.floor(offsetMs / 1000)));
    this.perSecond[second] = (this.perSecond[second] ?? 0) + 1;
  }

  error(kind: string, bytes = 0): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    this.errorCount++;
    this.bytesReceived += bytes;
  }

  errorsByKind(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }
}
