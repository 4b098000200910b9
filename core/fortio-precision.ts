import type { RunSpec } from "./spec";

/**
 * fortio's histogram and what it can resolve. fortio records each latency in a bucket of its fixed
 * table (fortio/fortio stats/stats.go histogramBucketValues), in units of its resolution `-r`
 * (seconds): 1 unit wide up to 11, then 2, 5, 10, 20, 50, 100 up to 1000 units, then 1000, 2500
 * and 10,000 units wide up to 100,000, and one open bucket above. Between 10 and 1,000 units a
 * bucket is at most 20% of its value wide; outside, it is coarse. Pure.
 */
export const FORTIO_BUCKET_VALUES = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200,
  250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 75000,
  100000,
] as const;

/**
 * The resolution a cluster run gives fortio, so the latencies a mesh adds fall in fine buckets.
 * Fixed rate: 50 µs (what Istio's own performance scripts use), fine between 0.5 ms and 50 ms, and
 * 50 µs wide below. Max throughput queues requests, so latencies are higher: 100 µs, fine between
 * 1 ms and 100 ms.
 */
export function fortioResolutionSeconds(spec: Pick<RunSpec, "mode">): number {
  return spec.mode === "fixed-rate" ? 0.00005 : 0.0001;
}

/** The latency range (µs) where fortio's buckets are at most 20% wide at this resolution. */
export function fortioFineRangeUs(resolutionSeconds: number): { fromUs: number; toUs: number } {
  return { fromUs: 10 * resolutionSeconds * 1e6, toUs: 1000 * resolutionSeconds * 1e6 };
}

/**
 * The width (µs) of the fortio bucket holding this latency: the resolution of a figure fortio
 * reports there. null above fortio's last bound (an open bucket: no resolution at all).
 */
export function fortioBucketWidthUs(valueUs: number, resolutionSeconds: number): number | null {
  const unitUs = resolutionSeconds * 1e6;
  const units = valueUs / unitUs;
  for (let i = 1; i < FORTIO_BUCKET_VALUES.length; i++) {
    const hi = FORTIO_BUCKET_VALUES[i] ?? 0;
    const lo = FORTIO_BUCKET_VALUES[i - 1] ?? 0;
    if (units < hi || (units === hi && i === FORTIO_BUCKET_VALUES.length - 1)) return (hi - lo) * unitUs;
  }
  return null;
}

/** How fortio paces and times requests, for the run page and reports: what its numbers mean. */
export const FORTIO_TIMING_NOTE =
  "fortio is closed loop per connection with pacing: each of its connections sends a request, waits for the answer, then waits for its next slot (-uniform spreads the slots, -nocatchup skips a slot that was missed instead of bursting). The clock starts at the actual send, so a slow answer delays the next sends without being counted against them: the latencies are not corrected for coordinated omission, unlike this machine's open-loop load generator.";

/** The percentiles the run page shows, each with the width of fortio's bucket it falls in (µs). */
export function percentileResolutionsUs(
  summary: Partial<Record<"p50Us" | "p75Us" | "p90Us" | "p99Us" | "p999Us", number>> | null,
  resolutionSeconds: number,
): Record<"p50Us" | "p75Us" | "p90Us" | "p99Us" | "p999Us", number | null> {
  const width = (v: number | undefined) => (v === undefined ? null : fortioBucketWidthUs(v, resolutionSeconds));
  return {
    p50Us: width(summary?.p50Us),
    p75Us: width(summary?.p75Us),
    p90Us: width(summary?.p90Us),
    p99Us: width(summary?.p99Us),
    p999Us: width(summary?.p999Us),
  };
}
