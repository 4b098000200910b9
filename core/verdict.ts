/**
 * The terms a comparison is judged in: the key percentiles, the interval of a difference and the
 * verdict. Kept apart from the statistics so the browser can judge without loading the HDR library.
 */

/** A percentile with fewer requests above it than this is mostly the luck of a few requests. */
export const MIN_TAIL_SAMPLES = 10;

export const KEY_PERCENTILES = { p50: 50, p99: 99, p999: 99.9 } as const;
export type KeyPercentile = keyof typeof KEY_PERCENTILES;
export const KEY_PERCENTILE_NAMES = Object.keys(KEY_PERCENTILES) as KeyPercentile[];

export interface Interval {
  lo: number;
  hi: number;
}

export interface Overhead {
  /** run − baseline, µs */
  absoluteUs: number;
  /** (run − baseline) / baseline · 100; null when the baseline is 0 */
  percent: number | null;
  absoluteCi: Interval | null;
  percentCi: Interval | null;
}

export type Verdict = "regressed" | "improved" | "no change";

/** "Moved beyond the CI": the whole interval of the difference lies on one side of zero. */
export function verdictFor(change: Overhead | null): Verdict | null {
  if (!change?.absoluteCi) return null;
  if (change.absoluteCi.lo > 0) return "regressed";
  if (change.absoluteCi.hi < 0) return "improved";
  return "no change";
}
