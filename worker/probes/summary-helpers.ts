import { histogramQuantile } from "~/core/parsers/bpftrace";
import type { Labels } from "~/core/probes";
import type { RunAggregate } from "./aggregate";

/** Reading a run's aggregate back for summary figures (full totals, never the truncated top-N). */
export function metricTotal(agg: RunAggregate, metric: string, match: Labels = {}): number {
  const rows = agg.allTotals.filter((t) => t.metric === metric);
  if (Object.keys(match).length === 0) return rows.find((t) => Object.keys(t.labels).length === 0)?.value ?? 0;
  return rows
    .filter((t) => Object.keys(t.labels).length > 0 && Object.entries(match).every(([k, v]) => t.labels[k] === v))
    .reduce((sum, t) => sum + t.value, 0);
}

export function perSecond(value: number, durationS: number): number | null {
  return durationS > 0 ? round(value / durationS) : null;
}

export function histogramFigures(agg: RunAggregate, metric: string): { p50: number | null; p99: number | null; count: number } {
  const total = agg.allHistograms.find((h) => h.metric === metric && Object.keys(h.labels).length === 0);
  if (!total) return { p50: null, p99: null, count: 0 };
  return {
    p50: roundOrNull(histogramQuantile(total.buckets, 0.5)),
    p99: roundOrNull(histogramQuantile(total.buckets, 0.99)),
    count: total.count,
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}
