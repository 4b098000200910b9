import { type HistBucket, histogramCount, histogramQuantile, mergeLog2Buckets } from "~/core/parsers/bpftrace";
import type { Labels, ProbeHistogram, ProbeMeta, ProbeRunData, ProbeSeries, ProbeTotal } from "~/core/probes";
import { round, roundOrNull } from "./summary-helpers";
import type { ProbeSample } from "./types";

/**
 * Folds per-interval samples into what a run stores: per-second series, end-of-run histograms
 * (log2 buckets add up exactly, so merging intervals loses nothing) and totals. Pure.
 *
 * Label combinations can be many (syscall × process), so series and stored histograms keep the
 * metric's total plus its TOP_SERIES largest combinations; `allTotals` keeps every combination for
 * summary figures, which must not undercount.
 */
const TOP_SERIES = 8;
const TOP_TOTALS = 20;

interface Track {
  metric: string;
  labels: Labels;
  /** Per interval index. */
  values: number[];
  total: number;
}

interface HistTrack {
  metric: string;
  labels: Labels;
  perInterval: HistBucket[][];
  merged: HistBucket[];
}

export interface RunAggregate {
  data: ProbeRunData;
  allTotals: ProbeTotal[];
  allHistograms: ProbeHistogram[];
  durationS: number;
}

export class ProbeAggregator {
  private readonly intervals: { startS: number; endS: number }[] = [];
  private readonly counters = new Map<string, Track>();
  private readonly hists = new Map<string, HistTrack>();

  constructor(private readonly meta: ProbeMeta) {}

  get intervalCount(): number {
    return this.intervals.length;
  }

  add(sample: ProbeSample): void {
    const i = this.intervals.length;
    this.intervals.push({ startS: sample.startS, endS: sample.endS });
    // Every metric gets a total track, even in intervals where nothing happened.
    for (const m of this.meta.metrics) {
      if (m.kind === "counter") this.counterTrack(m.name, {});
      else this.histTrack(m.name, {});
    }
    for (const c of sample.counters) {
      const total = this.counterTrack(c.metric, {});
      const targets = Object.keys(c.labels).length === 0 ? [total] : [total, this.counterTrack(c.metric, c.labels)];
      for (const track of targets) {
        track.values[i] = (track.values[i] ?? 0) + c.value;
        track.total += c.value;
      }
    }
    for (const h of sample.histograms) {
      const targets =
        Object.keys(h.labels).length === 0
          ? [this.histTrack(h.metric, {})]
          : [this.histTrack(h.metric, {}), this.histTrack(h.metric, h.labels)];
      for (const track of targets) {
        track.perInterval[i] = mergeLog2Buckets(track.perInterval[i] ?? [], h.buckets);
        track.merged = mergeLog2Buckets(track.merged, h.buckets);
      }
    }
  }

  result(): RunAggregate {
    const n = this.intervals.length;
    const durations = this.intervals.map((iv) => iv.endS - iv.startS);
    const durationS = durations.reduce((a, b) => a + b, 0);
    const rate = (value: number | undefined, i: number): number => {
      const d = durations[i] ?? 0;
      return d > 0 ? (value ?? 0) / d : 0;
    };

    const series: ProbeSeries[] = [];
    const allTotals: ProbeTotal[] = [];
    const totals: ProbeTotal[] = [];
    for (const [metric, tracks] of groupByMetric([...this.counters.values()])) {
      const unit = this.unitOf(metric);
      const ranked = rank(tracks, (t) => t.total);
      for (const t of ranked) allTotals.push({ metric, labels: t.labels, value: t.total });
      totals.push(...ranked.slice(0, TOP_TOTALS + 1).map((t) => ({ metric, labels: t.labels, value: t.total })));
      for (const t of ranked.slice(0, TOP_SERIES + 1)) {
        series.push({
          metric,
          stat: "rate",
          labels: t.labels,
          unit: `${unit}/s`,
          values: range(n, (i) => round(rate(t.values[i], i))),
        });
      }
    }

    const histograms: ProbeHistogram[] = [];
    const allHistograms: ProbeHistogram[] = [];
    for (const [metric, tracks] of groupByMetric([...this.hists.values()])) {
      const unit = this.unitOf(metric);
      const ranked = rank(tracks, (t) => histogramCount(t.merged));
      for (const [j, t] of ranked.entries()) {
        const h = { metric, labels: t.labels, unit, buckets: t.merged, count: histogramCount(t.merged) };
        allHistograms.push(h);
        if (j <= TOP_SERIES) histograms.push(h);
      }
      const total = ranked.find((t) => Object.keys(t.labels).length === 0);
      if (!total) continue;
      const per = range(n, (i) => total.perInterval[i] ?? []);
      series.push({
        metric,
        stat: "rate",
        labels: {},
        unit: "events/s",
        values: per.map((b, i) => round(rate(histogramCount(b), i))),
      });
      for (const [stat, q] of [
        ["p50", 0.5],
        ["p99", 0.99],
      ] as const) {
        series.push({ metric, stat, labels: {}, unit, values: per.map((b) => roundOrNull(histogramQuantile(b, q))) });
      }
    }

    return {
      data: {
        intervals: this.intervals.map((iv) => ({ startS: round(iv.startS, 3), endS: round(iv.endS, 3) })),
        series,
        histograms,
        totals,
      },
      allTotals,
      allHistograms,
      durationS,
    };
  }

  private unitOf(metric: string): string {
    return this.meta.metrics.find((m) => m.name === metric)?.unit ?? "";
  }

  private counterTrack(metric: string, labels: Labels): Track {
    const id = trackId(metric, labels);
    let track = this.counters.get(id);
    if (!track) {
      track = { metric, labels, values: [], total: 0 };
      this.counters.set(id, track);
    }
    return track;
  }

  private histTrack(metric: string, labels: Labels): HistTrack {
    const id = trackId(metric, labels);
    let track = this.hists.get(id);
    if (!track) {
      track = { metric, labels, perInterval: [], merged: [] };
      this.hists.set(id, track);
    }
    return track;
  }
}

function trackId(metric: string, labels: Labels): string {
  return `${metric}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
}

function groupByMetric<T extends { metric: string }>(tracks: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of tracks) groups.set(t.metric, [...(groups.get(t.metric) ?? []), t]);
  return groups;
}

/** The metric's total ({} labels) first, then combinations by size, largest first. */
function rank<T extends { labels: Labels }>(tracks: T[], size: (t: T) => number): T[] {
  const isTotal = (t: T) => Object.keys(t.labels).length === 0;
  return [...tracks].sort((a, b) => Number(isTotal(b)) - Number(isTotal(a)) || size(b) - size(a));
}

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
