import { JsHistogram } from "hdr-histogram-js";
import { type Histogram, mergeHistograms, percentileSpectrum, type SpectrumPoint, summarize } from "./histogram";
import type { ReportedLatency } from "./imports/types";
import type { LatencySummary } from "./result";
import {
  type Interval,
  KEY_PERCENTILE_NAMES,
  KEY_PERCENTILES,
  type KeyPercentile,
  MIN_REPETITIONS_FOR_DIFFERENCE,
  MIN_TAIL_SAMPLES,
  type Overhead,
} from "./verdict";

/**
 * Comparison statistics, pure (no I/O): percentiles of histograms merged over repetitions,
 * seeded bootstrap confidence intervals, overhead against a baseline and the regression verdict.
 *
 * The bootstrap is two-stage, the way the measurement was taken: repetitions are resampled with
 * replacement (run-to-run variation), then requests are resampled with replacement from the pooled
 * histogram of the chosen repetitions (sampling error of the requests themselves). The second stage
 * never materialises a resample: the k-th smallest of N values drawn from an empirical distribution
 * F is F⁻¹(U₍ₖ₎), and the k-th order statistic of N uniforms is Beta(k, N − k + 1). One Beta draw and
 * a binary search over the histogram's buckets give the resampled percentile exactly, so a
 * bootstrap over millions of requests costs the same as one over a hundred.
 *
 * A run with one repetition has no first stage: its interval is the sampling interval of its
 * requests, fine for the run itself but not for a difference between runs, which also moves from
 * one run to the next. Differences therefore get an interval only when both runs have repetitions
 * to measure that variation (see overhead).
 */

export const CONFIDENCE = 0.95;
export const BOOTSTRAP_ITERATIONS = 2_000;

// ---------------------------------------------------------------------------------------------
// Seeded random numbers

export type Rng = () => number;

/** FNV-1a, 32 bits: a stable seed from a string (e.g. a run id). */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** sfc32: small, fast, good enough for resampling; uniform in [0, 1). */
export function seededRng(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 12; i++) next(); // mix the seed in
  return next;
}

export function sampleNormal(rng: Rng): number {
  // Box-Muller; 1 - u keeps the logarithm finite.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Marsaglia-Tsang; shape ≥ 1 (all the Beta draws below need). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) throw new RangeError("sampleGamma needs shape >= 1");
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

// ---------------------------------------------------------------------------------------------
// Percentiles on histogram buckets

/** The rank HdrHistogram's getValueAtPercentile looks for (1-based), so both always agree. */
export function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  // HDR subtracts one ulp before rounding up, so 99% of 1000 is rank 990, not 991.
  const ulp = fp > 0 ? 2 ** (Math.floor(Math.log2(fp)) - 52) : 0;
  return Math.max(1, Math.ceil(fp - ulp));
}

/**
 * Several histograms on one bucket grid: the union of their non-empty buckets in value order,
 * and for each histogram the cumulative count up to each bucket.
 */
export interface BucketGrid {
  /** Value reported for each bucket: its highest equivalent value, as HDR reports percentiles. */
  values: Float64Array;
  cumulative: Float64Array[];
  totals: number[];
  /** Bounds summarize() clamps to, so a bootstrap replicate never lies outside the data. */
  minUs: number;
  maxUs: number;
}

interface Buckets {
  lows: number[];
  highs: number[];
  counts: number[];
}

function nonEmptyBuckets(histogram: Histogram): Buckets {
  if (!(histogram instanceof JsHistogram)) throw new TypeError("Bucket access needs a JavaScript HDR histogram");
  const out: Buckets = { lows: [], highs: [], counts: [] };
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count <= 0) continue;
    const value = histogram.valueFromIndex(i);
    out.lows.push(histogram.lowestEquivalentValue(value));
    out.highs.push(histogram.highestEquivalentValue(value));
    out.counts.push(count);
  }
  return out;
}

export function bucketGrid(histograms: readonly Histogram[]): BucketGrid {
  const perHistogram = histograms.map(nonEmptyBuckets);
  // Every latency histogram shares one configuration, so equal lows are the same bucket.
  const highByLow = new Map<number, number>();
  for (const b of perHistogram) {
    b.lows.forEach((low, i) => {
      highByLow.set(low, b.highs[i] ?? low);
    });
  }
  const lows = [...highByLow.keys()].sort((x, y) => x - y);
  const position = new Map(lows.map((low, j) => [low, j]));
  const values = Float64Array.from(lows, (low) => highByLow.get(low) ?? low);
  const cumulative = perHistogram.map((b) => {
    const counts = new Float64Array(lows.length);
    b.lows.forEach((low, i) => {
      const j = position.get(low);
      if (j !== undefined) counts[j] = (counts[j] ?? 0) + (b.counts[i] ?? 0);
    });
    for (let j = 1; j < counts.length; j++) counts[j] = (counts[j] ?? 0) + (counts[j - 1] ?? 0);
    return counts;
  });
  const nonEmpty = histograms.filter((h) => h.totalCount > 0);
  const zeroRecorded = nonEmpty.some((h) => h.getValueAtPercentile(0) === 0);
  return {
    values,
    cumulative,
    totals: cumulative.map((c) => (c.length > 0 ? (c[c.length - 1] ?? 0) : 0)),
    minUs: zeroRecorded ? 0 : nonEmpty.length > 0 ? Math.min(...nonEmpty.map((h) => h.minNonZeroValue)) : 0,
    maxUs: nonEmpty.length > 0 ? Math.max(...nonEmpty.map((h) => h.maxValue)) : 0,
  };
}

/** Value of the `rank`-th smallest sample of the weighted pool Σ weights[i] · histogram i. */
export function valueAtRank(grid: BucketGrid, weights: ArrayLike<number>, rank: number): number {
  let lo = 0;
  let hi = grid.values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let below = 0;
    for (let i = 0; i < grid.cumulative.length; i++) {
      const w = weights[i] ?? 0;
      if (w !== 0) below += w * (grid.cumulative[i]?.[mid] ?? 0);
    }
    if (below >= rank) hi = mid;
    else lo = mid + 1;
  }
  const value = grid.values[lo] ?? 0;
  return Math.min(grid.maxUs, Math.max(grid.minUs, value));
}

// ---------------------------------------------------------------------------------------------
// Intervals

/** Linear-interpolated quantile of sorted values, q in [0, 1]. */
function sortedQuantile(sorted: Float64Array, q: number): number {
  const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  const a = sorted[below] ?? Number.NaN;
  const b = sorted[above] ?? Number.NaN;
  return a + (b - a) * (position - below);
}

/** Percentile bootstrap interval; null when there is nothing to resample. */
export function percentileInterval(replicates: Float64Array | null, confidence = CONFIDENCE): Interval | null {
  if (!replicates || replicates.length === 0) return null;
  const finite = replicates.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = Float64Array.from(finite).sort();
  const alpha = 1 - confidence;
  return { lo: sortedQuantile(sorted, alpha / 2), hi: sortedQuantile(sorted, 1 - alpha / 2) };
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

function tQuantile975(df: number): number {
  const exact = T_975[df - 1];
  if (exact !== undefined) return exact;
  // Cornish-Fisher expansion around z = 1.959964: within 1e-4 from 30 degrees of freedom on.
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/**
 * Interval for a mean over few units (here: repetitions of a run). A percentile bootstrap over 2 or 3
 * repetitions cannot reach beyond their range and covers the true mean far less often than it
 * claims (far below 95% in seeded trials), so the bootstrap is used for the standard error only,
 * corrected for small samples (√(n/(n−1))), and the interval is point ± t(n−1) · SE: the classic
 * t-interval, 95% under normality for any n ≥ 2 (honestly wide with 2). Only for 95%.
 */
export function bootstrapTInterval(point: number | null, replicates: Float64Array | null, units: number): Interval | null {
  if (point === null || !replicates || units < 2) return null;
  const finite = replicates.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1);
  const half = tQuantile975(units - 1) * Math.sqrt(variance) * Math.sqrt(units / (units - 1));
  return { lo: point - half, hi: point + half };
}

// ---------------------------------------------------------------------------------------------
// Bootstrap of one run

export interface RepetitionSample {
  histogram: Histogram;
  /** Achieved requests per second of this repetition. */
  actualQps: number;
}

export interface BootstrapOptions {
  seed: number;
  iterations?: number;
}

export interface BootstrapReplicates {
  iterations: number;
  /** Repetitions resampled in the first stage (those with at least one request). */
  repetitions: number;
  percentiles: Record<KeyPercentile, Float64Array>;
  /** Mean achieved rate of the resampled repetitions; null with a single repetition. */
  throughput: Float64Array | null;
}

/**
 * Replicates of p50/p99/p99.9 and throughput; null when no request was recorded. Deterministic for
 * a given seed, so the compare page, the report and the regression badge show the same interval.
 */
export function bootstrapRun(repetitions: readonly RepetitionSample[], options: BootstrapOptions): BootstrapReplicates | null {
  const usable = repetitions.filter((r) => r.histogram.totalCount > 0);
  if (usable.length === 0) return null;
  const iterations = options.iterations ?? BOOTSTRAP_ITERATIONS;
  const rng = seededRng(options.seed);
  const grid = bucketGrid(usable.map((r) => r.histogram));
  const r = usable.length;
  const weights = new Float64Array(r);
  const percentiles = {
    p50: new Float64Array(iterations),
    p99: new Float64Array(iterations),
    p999: new Float64Array(iterations),
  } satisfies Record<KeyPercentile, Float64Array>;
  const throughput = r > 1 ? new Float64Array(iterations) : null;
  for (let b = 0; b < iterations; b++) {
    weights.fill(0);
    if (r === 1) weights[0] = 1;
    else
      for (let i = 0; i < r; i++) {
        const pick = Math.floor(rng() * r);
        weights[pick] = (weights[pick] ?? 0) + 1;
      }
    let total = 0;
    let qps = 0;
    for (let i = 0; i < r; i++) {
      const w = weights[i] ?? 0;
      total += w * (grid.totals[i] ?? 0);
      qps += w * (usable[i]?.actualQps ?? 0);
    }
    if (throughput) throughput[b] = qps / r;
    for (const name of KEY_PERCENTILE_NAMES) {
      const k = countAtPercentile(KEY_PERCENTILES[name], total);
      const u = sampleBeta(rng, k, total - k + 1);
      const rank = Math.min(total, Math.max(1, Math.ceil(u * total)));
      percentiles[name][b] = valueAtRank(grid, weights, rank);
    }
  }
  return { iterations, repetitions: r, percentiles, throughput };
}

// ---------------------------------------------------------------------------------------------
// What a comparison shows per run

export interface Estimate {
  /** Point estimate from the merged histogram (latency) or the mean over repetitions (rate). */
  value: number | null;
  /** 95% bootstrap interval; null when it cannot be computed (e.g. one repetition for a rate). */
  ci: Interval | null;
}

export interface PercentileRow {
  percentile: number;
  valueUs: number | null;
  /** Requests slower than this percentile; below MIN_TAIL_SAMPLES it means little. */
  tailSamples: number;
  enoughSamples: boolean;
}

export const TABLE_PERCENTILES = [50, 75, 90, 99, 99.9, 99.99, 99.999] as const;

export interface RunStatistics {
  repetitions: number;
  sampleCount: number;
  summary: LatencySummary | null;
  latency: Record<KeyPercentile, Estimate>;
  tailSamples: Record<KeyPercentile, number>;
  throughput: Estimate;
  spectrum: SpectrumPoint[];
  percentiles: PercentileRow[];
}

export function tailSamples(percentile: number, total: number): number {
  return Math.max(0, total - countAtPercentile(percentile, total));
}

export function runStatistics(
  repetitions: readonly RepetitionSample[],
  options: BootstrapOptions,
): { stats: RunStatistics; replicates: BootstrapReplicates | null } {
  const merged = mergeHistograms(repetitions.map((r) => r.histogram));
  const summary = summarize(merged);
  const total = merged.totalCount;
  const replicates = bootstrapRun(repetitions, options);
  const pointOf: Record<KeyPercentile, number | null> = {
    p50: summary?.p50Us ?? null,
    p99: summary?.p99Us ?? null,
    p999: summary?.p999Us ?? null,
  };
  const latency = Object.fromEntries(
    KEY_PERCENTILE_NAMES.map((name) => [
      name,
      { value: pointOf[name], ci: percentileInterval(replicates?.percentiles[name] ?? null) },
    ]),
  ) as Record<KeyPercentile, Estimate>;
  const tails = Object.fromEntries(
    KEY_PERCENTILE_NAMES.map((name) => [name, tailSamples(KEY_PERCENTILES[name], total)]),
  ) as Record<KeyPercentile, number>;
  const rates = repetitions.map((r) => r.actualQps).filter((q) => Number.isFinite(q));
  const meanRate = rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : null;
  const throughput: Estimate = {
    value: meanRate,
    ci: bootstrapTInterval(meanRate, replicates?.throughput ?? null, repetitions.length),
  };
  const percentiles: PercentileRow[] = TABLE_PERCENTILES.map((p) => {
    const tail = total > 0 ? tailSamples(p, total) : 0;
    return {
      percentile: p,
      valueUs: total > 0 ? Math.min(merged.maxValue, merged.getValueAtPercentile(p)) : null,
      tailSamples: tail,
      enoughSamples: total > 0 && tail >= MIN_TAIL_SAMPLES,
    };
  });
  return {
    stats: {
      repetitions: repetitions.length,
      sampleCount: total,
      summary,
      latency,
      tailSamples: tails,
      throughput,
      spectrum: percentileSpectrum(merged),
      percentiles,
    },
    replicates,
  };
}

// ---------------------------------------------------------------------------------------------
// Overhead against a baseline, and the regression verdict

/** One side of a difference: a run's point value and the bootstrap replicates behind it. */
export interface DifferenceSide {
  value: number | null;
  replicates: Float64Array | null;
  /** Repetitions the replicates resampled: the run-to-run units. */
  repetitions: number;
  /** An imported run with reported percentiles and no histogram: nothing to resample. */
  percentilesOnly?: boolean;
}

/** Unbiased variance of the finite replicates; null with fewer than two. */
function replicateVariance(replicates: Float64Array | null): number | null {
  if (!replicates) return null;
  const finite = replicates.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  return finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1);
}

/** A run's share of the variance of a difference, and the repetitions it was estimated from. */
export interface VariancePart {
  variance: number;
  units: number;
}

/**
 * point ± t(df) · SE for a difference of two independent runs (Welch): each run's bootstrap
 * variance corrected for its few repetitions (× n/(n−1), as bootstrapTInterval does), the degrees of
 * freedom by Welch–Satterthwaite, rounded down so the interval errs wide. A percentile interval of
 * the paired replicates would be as narrow as if each run's repetitions were the whole population.
 */
export function welchInterval(point: number, parts: readonly VariancePart[]): Interval | null {
  if (parts.some((p) => p.units < 2 || !Number.isFinite(p.variance) || p.variance < 0)) return null;
  const corrected = parts.map((p) => ({ variance: (p.variance * p.units) / (p.units - 1), df: p.units - 1 }));
  const total = corrected.reduce((a, p) => a + p.variance, 0);
  if (total === 0) return { lo: point, hi: point };
  const denominator = corrected.reduce((a, p) => a + p.variance ** 2 / p.df, 0);
  const df = denominator > 0 ? total ** 2 / denominator : Number.POSITIVE_INFINITY;
  const half = tQuantile975(Math.max(1, Math.floor(Math.min(df, 1e6)))) * Math.sqrt(total);
  return { lo: point - half, hi: point + half };
}

/**
 * Overhead of a run over the baseline. Its interval carries the uncertainty of both runs, the
 * variation between their repetitions included; so a run measured with fewer than
 * MIN_REPETITIONS_FOR_DIFFERENCE repetitions gives the difference no interval at all (and a
 * stated reason) rather than one that covers the sampling of its requests only.
 */
export function overhead(run: DifferenceSide, baseline: DifferenceSide): Overhead | null {
  if (run.value === null || baseline.value === null) return null;
  const absoluteUs = run.value - baseline.value;
  const percent = baseline.value > 0 ? (absoluteUs / baseline.value) * 100 : null;
  const without = (reason: NonNullable<Overhead["ciUnavailable"]>): Overhead => ({
    absoluteUs,
    percent,
    absoluteCi: null,
    percentCi: null,
    ciUnavailable: reason,
  });
  if (run.percentilesOnly || baseline.percentilesOnly) return without("percentiles-only");
  if (Math.min(run.repetitions, baseline.repetitions) < MIN_REPETITIONS_FOR_DIFFERENCE) return without("single-repetition");
  const runVariance = replicateVariance(run.replicates);
  const baseVariance = replicateVariance(baseline.replicates);
  if (runVariance === null || baseVariance === null) return without("no-samples");
  const absoluteCi = welchInterval(absoluteUs, [
    { variance: runVariance, units: run.repetitions },
    { variance: baseVariance, units: baseline.repetitions },
  ]);
  if (!absoluteCi) return without("no-samples");
  // percent = 100 · (run / baseline − 1); each run's share of its variance by the delta method.
  const percentCi =
    percent === null
      ? null
      : welchInterval(percent, [
          { variance: runVariance * (100 / baseline.value) ** 2, units: run.repetitions },
          { variance: baseVariance * ((100 * run.value) / baseline.value ** 2) ** 2, units: baseline.repetitions },
        ]);
  return { absoluteUs, percent, absoluteCi, percentCi, ciUnavailable: null };
}

// ---------------------------------------------------------------------------------------------
// Runs imported with percentiles only

/**
 * The statistics of a run whose file kept percentiles only (SMP, k6): the percentiles it reported,
 * exactly, and nothing made up. No interval (there is nothing to resample), no spectrum beyond the
 * reported points, and a percentile the file did not report is missing (never interpolated).
 * `requestCount` is null when the file had no count.
 */
export function reportedStatistics(
  reported: ReportedLatency,
  requestCount: number | null,
  rates: readonly number[],
  repetitions: number,
): { stats: RunStatistics; replicates: null } {
  const at = (p: number) => reported.percentiles.find((x) => x.percentile === p)?.valueUs ?? null;
  const total = requestCount ?? 0;
  const latency = Object.fromEntries(
    KEY_PERCENTILE_NAMES.map((name) => [name, { value: at(KEY_PERCENTILES[name]), ci: null }]),
  ) as Record<KeyPercentile, Estimate>;
  const tails = Object.fromEntries(
    KEY_PERCENTILE_NAMES.map((name) => [name, requestCount === null ? 0 : tailSamples(KEY_PERCENTILES[name], total)]),
  ) as Record<KeyPercentile, number>;
  const finiteRates = rates.filter((q) => Number.isFinite(q));
  const meanRate = finiteRates.length > 0 ? finiteRates.reduce((a, b) => a + b, 0) / finiteRates.length : null;
  const p = (n: number) => at(n);
  const summary: LatencySummary | null = (() => {
    const values = [reported.minUs, reported.meanUs, reported.maxUs, p(50), p(75), p(90), p(99), p(99.9)];
    if (values.some((v) => v === null)) return null;
    const [minUs, meanUs, maxUs, p50Us, p75Us, p90Us, p99Us, p999Us] = values as number[];
    return { minUs, meanUs, maxUs, p50Us, p75Us, p90Us, p99Us, p999Us } as LatencySummary;
  })();
  const spectrum: SpectrumPoint[] = reported.percentiles
    .filter((x) => x.percentile < 100)
    .map((x) => ({ percentile: x.percentile, valueUs: x.valueUs, inverseTail: 1 / (1 - x.percentile / 100) }));
  if (reported.maxUs !== null && requestCount !== null && requestCount > 0)
    spectrum.push({ percentile: 100, valueUs: reported.maxUs, inverseTail: requestCount });
  return {
    stats: {
      repetitions,
      sampleCount: total,
      summary,
      latency,
      tailSamples: tails,
      throughput: { value: meanRate, ci: null },
      spectrum,
      percentiles: TABLE_PERCENTILES.map((percentile) => {
        const tail = requestCount === null ? 0 : tailSamples(percentile, total);
        const valueUs = at(percentile);
        return {
          percentile,
          valueUs,
          tailSamples: tail,
          enoughSamples: valueUs !== null && requestCount !== null && tail >= MIN_TAIL_SAMPLES,
        };
      }),
    },
    replicates: null,
  };
}
