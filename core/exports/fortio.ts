import { JsHistogram } from "hdr-histogram-js";
import { type Histogram, histogramMean, mergeHistograms } from "../histogram";
import type { JsonObject, JsonValue } from "./json";
import type { RunExportInput } from "./run-input";

/**
 * A run as the JSON fortio's `load -json` writes (fhttp.HTTPRunnerResults: periodic.RunnerResults
 * plus RetCodes; stats.HistogramData for DurationHistogram), so tools that read fortio results can
 * read a MeshBench run. Pure.
 *
 * The run is one fortio result: the repetitions' histograms added together, their measured windows
 * summed into ActualDuration. Times are seconds as in fortio. The buckets are the HDR histogram's
 * own (3 significant digits, so at most 0.1% wide), far finer than fortio's; fortio clamps the
 * first bucket's Start to Min and the last one's End to Max, and so does this.
 *
 * Not like fortio: MeshBench times successful responses only, so DurationHistogram holds those
 * alone and its Count is RetCodes["200"], not the sum of RetCodes; there is no
 * ErrorsDurationHistogram. Failures that got no HTTP status count under -1, as in fortio.
 */

/** fortio's default -p "50,75,90,99,99.9". */
const FORTIO_PERCENTILES = [50, 75, 90, 99, 99.9] as const;

const usToSeconds = (us: number) => us / 1_000_000;

/** MeshBench error kinds → fortio's RetCodes keys: an HTTP status, or -1 for no HTTP answer. */
export function fortioRetCode(kind: string): string {
  const http = /^http_(\d{3})$/.exec(kind);
  return http?.[1] ?? "-1";
}

interface Bucket {
  start: number;
  end: number;
  count: number;
}

/** Non-empty HDR buckets, in µs: [lowest equivalent value, next non-equivalent value). */
function hdrBuckets(histogram: Histogram): Bucket[] {
  if (!(histogram instanceof JsHistogram)) throw new Error("fortio export needs a JavaScript HDR histogram");
  const buckets: Bucket[] = [];
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    const value = histogram.valueFromIndex(i);
    buckets.push({
      start: histogram.lowestEquivalentValue(value),
      end: histogram.nextNonEquivalentValue(value),
      count,
    });
  }
  return buckets;
}

/** stats.HistogramData of an HDR histogram in µs, in seconds. */
export function fortioHistogramData(histogram: Histogram): JsonObject {
  const count = histogram.totalCount;
  const buckets = hdrBuckets(histogram);
  const min = count > 0 ? (histogram.getValueAtPercentile(0) === 0 ? 0 : histogram.minNonZeroValue) : 0;
  const max = count > 0 ? histogram.maxValue : 0;
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  if (first) first.start = Math.max(first.start, min);
  if (last) last.end = Math.min(last.end, max);
  const meanUs = count > 0 ? histogramMean(histogram) : 0;
  let variance = 0;
  let cumulative = 0;
  const data = buckets.map((b) => {
    cumulative += b.count;
    const mid = (b.start + b.end) / 2;
    variance += (mid - meanUs) ** 2 * b.count;
    return {
      Start: usToSeconds(b.start),
      End: usToSeconds(b.end),
      Percent: (100 * cumulative) / count,
      Count: b.count,
    };
  });
  return {
    Count: count,
    Min: usToSeconds(min),
    Max: usToSeconds(max),
    Sum: usToSeconds(meanUs * count),
    Avg: usToSeconds(meanUs),
    StdDev: count > 0 ? usToSeconds(Math.sqrt(variance / count)) : 0,
    Data: data,
    Percentiles: FORTIO_PERCENTILES.map((p) => ({
      Percentile: p,
      Value: usToSeconds(Math.min(max, histogram.getValueAtPercentile(p))),
    })),
  };
}

export function runFortioJson(input: RunExportInput): JsonObject {
  const { run } = input;
  const reps = [...input.repetitions].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const merged = mergeHistograms(reps.map((r) => r.histogram));
  const ok = reps.reduce((a, r) => a + r.count, 0);
  const retCodes: Record<string, number> = {};
  if (ok > 0) retCodes["200"] = ok;
  for (const r of reps) {
    for (const [kind, n] of Object.entries(r.errors)) {
      const code = fortioRetCode(kind);
      retCodes[code] = (retCodes[code] ?? 0) + n;
    }
  }
  const measuredSeconds = reps.reduce((a, r) => a + r.measuredSeconds, 0);
  const sent = Object.values(retCodes).reduce((a, n) => a + n, 0);
  const spec = run.spec;
  const requestedQps = spec?.mode === "fixed-rate" && spec.rate !== undefined ? String(spec.rate) : "max";
  const result: { [key: string]: JsonValue | undefined } = {
    RunType: "HTTP",
    Labels: run.name,
    StartTime: (reps[0]?.startedAt ?? run.startedAt)?.toISOString(),
    RequestedQPS: requestedQps,
    RequestedDuration: spec ? `${spec.durationSeconds * reps.length}s` : undefined,
    // fortio's ActualQPS counts every call, failed ones included.
    ActualQPS: measuredSeconds > 0 ? sent / measuredSeconds : 0,
    ActualDuration: Math.round(measuredSeconds * 1e9),
    NumThreads: spec?.connections,
    DurationHistogram: fortioHistogramData(merged),
    RetCodes: retCodes,
    // HTTPOptions.URL, embedded in fortio's HTTP results: what the load generator targeted, when recorded.
    URL: input.environment?.targetUrl ?? undefined,
  };
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as JsonObject;
}
