/**
 * The terms a comparison is judged in: the key percentiles, the interval of a difference and the
 * verdict. Kept apart from the statistics so the browser can judge without loading the HDR library.
 */

/** A percentile with fewer requests above it than this is mostly the luck of a few requests. */
export const MIN_TAIL_SAMPLES = 10;

/**
 * Repetitions each run needs before the difference between two runs gets an interval. A run
 * measured once says nothing about how far a second run of the same spec would land from it, so
 * an interval built from its requests alone calls run-to-run noise a difference.
 */
export const MIN_REPETITIONS_FOR_DIFFERENCE = 2;

/** What the product asks for: with 2 the interval exists but is very wide (one degree of freedom per run). */
export const RECOMMENDED_REPETITIONS = 3;

export const KEY_PERCENTILES = { p50: 50, p99: 99, p999: 99.9 } as const;
export type KeyPercentile = keyof typeof KEY_PERCENTILES;
export const KEY_PERCENTILE_NAMES = Object.keys(KEY_PERCENTILES) as KeyPercentile[];

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * Why the difference between two runs has no interval:
 * - "single-repetition": a run was measured with fewer than MIN_REPETITIONS_FOR_DIFFERENCE
 *   repetitions, so run-to-run variation is unknown;
 * - "no-samples": a run has no recorded request to resample;
 * - "percentiles-only": a run was imported from a file that kept percentiles only (SMP, k6), so
 *   there is nothing to resample.
 */
export type DifferenceUnavailable = "single-repetition" | "no-samples" | "percentiles-only";

export interface Overhead {
  /** run − baseline, µs */
  absoluteUs: number;
  /** (run − baseline) / baseline · 100; null when the baseline is 0 */
  percent: number | null;
  /** 95% interval of the difference, run-to-run variation included; null with ciUnavailable set. */
  absoluteCi: Interval | null;
  /** The same in percent of the baseline; also null when the baseline is 0. */
  percentCi: Interval | null;
  /** Why absoluteCi is null; null when the interval exists. */
  ciUnavailable: DifferenceUnavailable | null;
}

export type Verdict = "regressed" | "improved" | "no change";

/**
 * Why there is no verdict on a difference: no interval, no latency to compare at all, or (for a
 * gate, core/gates.ts) too few requests above the percentile.
 */
export type NoVerdictReason = DifferenceUnavailable | "no-latency" | "few-tail-samples";

/**
 * "Moved beyond the CI": the whole interval of the difference lies on one side of zero. Null when
 * there is no interval (see noVerdictReason): a difference is never called real without one.
 */
export function verdictFor(change: Overhead | null): Verdict | null {
  if (!change?.absoluteCi || change.ciUnavailable !== null) return null;
  if (change.absoluteCi.lo > 0) return "regressed";
  if (change.absoluteCi.hi < 0) return "improved";
  return "no change";
}

/** Why verdictFor gives no verdict for this change; null when it gives one. */
export function noVerdictReason(change: Overhead | null): NoVerdictReason | null {
  if (!change) return "no-latency";
  if (change.ciUnavailable !== null) return change.ciUnavailable;
  return change.absoluteCi ? null : "no-samples";
}
