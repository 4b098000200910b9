import { decodeHistogram } from "../histogram";
import { fortioResultSchema, fortioToIterationResult } from "../parsers/fortio";
import { ImportError, type ParsedImport } from "./types";
import { importErrorFromZod } from "./zod-issue";

/**
 * fortio's `-json` output (fortio load -json file.json): the same parser the Kubernetes backend
 * uses for its fortio pods, so an imported fortio run and a cluster run read identically. fortio
 * keeps counts per bucket, not values: the HDR histogram records each bucket at its midpoint (min
 * and max exact), so a percentile is known to within half its bucket. How coarse that is at the
 * median is recorded, and a warning given when it is coarse.
 */

/** The bucket holding p50 wider than this share of p50 gets a warning: p50 is then uncertain by over 5%. */
export const COARSE_BUCKET_RELATIVE_TO_P50 = 0.1;

/** Whether a parsed JSON value looks like fortio's result (its own field names, which no other format has). */
export function looksLikeFortio(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && "DurationHistogram" in value && ("RetCodes" in value || "ActualQPS" in value)
  );
}

export function importFortio(value: unknown): ParsedImport {
  const parsed = fortioResultSchema.safeParse(value);
  if (!parsed.success) throw importErrorFromZod("fortio JSON", parsed.error, [], value);
  const fortio = parsed.data;
  if (!fortio.StartTime || Number.isNaN(new Date(fortio.StartTime).getTime()))
    throw new ImportError("FIELD_MISSING", "fortio JSON: field missing: StartTime (when the run started)");
  if (fortio.DurationHistogram.Count === 0 || (fortio.DurationHistogram.Data ?? []).length === 0)
    throw new ImportError("INVALID", "fortio JSON: DurationHistogram.Data holds no request: nothing to import");
  const run = fortioToIterationResult(fortio, { iteration: 1 });
  const warnings = [...run.warnings];

  // The bucket holding the median, by fortio's own cumulative counts.
  const buckets = (fortio.DurationHistogram.Data ?? []).filter((b) => b.Count > 0);
  const half = fortio.DurationHistogram.Count / 2;
  let seen = 0;
  const medianBucket = buckets.find((b) => {
    seen += b.Count;
    return seen >= half;
  });
  const histogram = decodeHistogram(run.result.histogram);
  const p50Us = run.result.latency?.p50Us ?? histogram.getValueAtPercentile(50);
  histogram.destroy();
  let bucketResolution: ParsedImport["bucketResolution"] = null;
  if (medianBucket && p50Us > 0) {
    const bucketWidthAtP50Us = (medianBucket.End - medianBucket.Start) * 1_000_000;
    const relativeToP50 = bucketWidthAtP50Us / p50Us;
    bucketResolution = { bucketWidthAtP50Us, p50Us, relativeToP50 };
    if (relativeToP50 > COARSE_BUCKET_RELATIVE_TO_P50)
      warnings.push(
        `fortio's buckets are coarse at the median: the bucket holding p50 is ${bucketWidthAtP50Us.toFixed(0)} µs wide, ` +
          `${(relativeToP50 * 100).toFixed(0)}% of p50 (${p50Us.toFixed(0)} µs), so each percentile is known only to within ` +
          "half its bucket. fortio's -r flag sets a finer resolution (e.g. -r 0.000001 for 1 µs).",
      );
  }
  const r = run.result;
  return {
    format: "fortio-json",
    tool: "fortio",
    toolVersion: run.version,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    requestedQps: r.requestedQps,
    actualQps: r.actualQps,
    connections: fortio.NumThreads ?? null,
    durationSeconds: r.measuredSeconds,
    count: r.count,
    errors: r.errors,
    latency: { kind: "histogram", histogram: r.histogram },
    perSecond: [],
    intervals: null,
    bucketResolution,
    warnings,
  };
}
