import type { ReportedLatency, ReportedPercentile } from "./types";

/** Percentiles in ascending order, each once; the value of a repeated percentile is the last one given. */
export function reportedLatency(
  percentiles: readonly ReportedPercentile[],
  extremes: { minUs: number | null; meanUs: number | null; maxUs: number | null },
): ReportedLatency {
  const byPercentile = new Map<number, number>();
  for (const p of percentiles) if (Number.isFinite(p.valueUs) && p.valueUs >= 0) byPercentile.set(p.percentile, p.valueUs);
  return {
    percentiles: [...byPercentile.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([percentile, valueUs]) => ({ percentile, valueUs })),
    ...extremes,
  };
}

/** The value reported at exactly this percentile, or null: a percentile the tool did not write is not interpolated. */
export function reportedAt(latency: ReportedLatency, percentile: number): number | null {
  return latency.percentiles.find((p) => p.percentile === percentile)?.valueUs ?? null;
}

/** "30s", "1m30s", "1.5h", "250ms" (Go's time.Duration text, which SMP's duration uses) → seconds; null if not one. */
export function goDurationSeconds(text: string): number | null {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const parts = [...text.trim().matchAll(/([\d.]+)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim()) return null;
  return parts.reduce((a, p) => a + Number(p[1]) * (units[p[2] ?? "s"] ?? Number.NaN), 0);
}
