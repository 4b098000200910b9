import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram, JsHistogram } from "hdr-histogram-js";
import type { LatencySummary } from "./result";

/**
 * Latency histograms, shared by the worker (recording) and the web (charts, comparisons).
 * Pure: no I/O. Every latency histogram in MeshBench uses the same parameters, so any two
 * can be added or compared; values are microseconds.
 */
export type { Histogram };

/** 1 µs .. 1 hour at 3 significant digits: covers any request we could ever time. */
export const LATENCY_HISTOGRAM_RANGE = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

export function createLatencyHistogram(): Histogram {
  return build({ ...LATENCY_HISTOGRAM_RANGE });
}

/** Clamp before recording: the library would otherwise silently grow the histogram past one hour. */
export function recordLatencyUs(histogram: Histogram, valueUs: number): void {
  histogram.recordValue(Math.round(Math.min(Math.max(valueUs, 0), LATENCY_HISTOGRAM_RANGE.highestTrackableValue)));
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(base64: string): Histogram {
  return decodeFromCompressedBase64(base64);
}

/** Pool several histograms (e.g. all repetitions of a run): percentiles are never averaged. */
export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const merged = createLatencyHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

/**
 * The same value as hdr-histogram-js's `mean` (median-equivalent value of each bucket × its count),
 * read straight from the counts array. The library's getter walks a recorded-values iterator that
 * builds an object per bucket, which made it the largest part of serving a run page.
 */
export function histogramMean(histogram: Histogram): number {
  if (!(histogram instanceof JsHistogram)) return histogram.mean;
  const total = histogram.totalCount;
  if (total === 0) return 0;
  let sum = 0;
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count !== 0) sum += histogram.medianEquivalentValue(histogram.valueFromIndex(i)) * count;
  }
  return sum / total;
}

/** The figures a results table shows; null for an empty histogram (nothing measured is not "0 µs"). */
export function summarize(histogram: Histogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  // percentile 0 is the lowest value-equivalent of the smallest bucket: 0 only when a 0 was recorded,
  // otherwise the library's exact minimum is more precise.
  const minUs = histogram.getValueAtPercentile(0) === 0 ? 0 : histogram.minNonZeroValue;
  const maxUs = histogram.maxValue;
  // Percentiles come back as the top of their bucket (within 0.1%), which can exceed the exact
  // max the histogram tracks: clamp so a table never shows p99 > max.
  const at = (p: number) => Math.min(maxUs, Math.max(minUs, histogram.getValueAtPercentile(p)));
  return {
    minUs,
    meanUs: Math.round(histogramMean(histogram) * 100) / 100,
    maxUs,
    p50Us: at(50),
    p75Us: at(75),
    p90Us: at(90),
    p99Us: at(99),
    p999Us: at(99.9),
  };
}

export interface SpectrumPoint {
  /** 0..100 */
  percentile: number;
  valueUs: number;
  /**
   * 1 / (1 - percentile/100): the usual log-scale x axis of a latency spectrum chart. At 100 (the
   * max) it is the sample count, the finest tail the data can resolve, so it stays JSON-safe.
   */
  inverseTail: number;
}

/**
 * The percentile spectrum HdrHistogram tools plot: ticks get denser towards the tail, each halving
 * of the remaining distance (50%, 75%, 87.5%, ...) getting `ticksPerHalfDistance` points, and it
 * stops where the data runs out (one sample left) with a final point at 100 (the max).
 */
export function percentileSpectrum(histogram: Histogram, ticksPerHalfDistance = 5): SpectrumPoint[] {
  const count = histogram.totalCount;
  if (count === 0) return [];
  const lastMeaningful = 100 * (1 - 1 / count);
  const max = histogram.maxValue; // same clamp as summarize: the chart and the table must agree
  const points: SpectrumPoint[] = [];
  const push = (p: number) => {
    points.push({
      percentile: p,
      valueUs: Math.min(max, histogram.getValueAtPercentile(p)),
      inverseTail: p >= 100 ? count : 1 / (1 - p / 100),
    });
  };
  // 20 halvings reach 99.9999%: beyond what any run of ours can populate.
  for (let half = 0; half < 20; half++) {
    const from = 100 * (1 - 0.5 ** half);
    const to = 100 * (1 - 0.5 ** (half + 1));
    let done = false;
    for (let t = 0; t < ticksPerHalfDistance; t++) {
      const p = from + ((to - from) * t) / ticksPerHalfDistance;
      if (p > lastMeaningful) {
        done = true;
        break;
      }
      push(p);
    }
    if (done) break;
  }
  push(100);
  return points;
}
