import { z } from "zod";
import { reportedLatency } from "./reported";
import { ImportError, type ParsedImport, type ReportedPercentile } from "./types";
import { importErrorFromZod } from "./zod-issue";

/**
 * k6's end-of-test summary as JSON, in both shapes k6 writes (internal/js/summary.go and
 * summary-wrapper.js): `--summary-export` (legacy: each metric's values flat under its name, a rate
 * metric's ratio as `value`) and the data handleSummary receives (each metric as
 * { type, contains, values }, the run's length in state.testRunDurationMs). Trend values of time
 * metrics are milliseconds. k6 keeps only the trend statistics its summaryTrendStats asked for
 * (by default avg, min, med, max, p(90), p(95)): the run is "percentiles only".
 *
 * Latency is http_req_duration{expected_response:true} when k6 wrote it (successful requests
 * only, like MeshBench's own), else http_req_duration (failed requests included, with a warning).
 */

const valuesSchema = z.record(z.string(), z.union([z.number(), z.boolean(), z.null(), z.record(z.string(), z.unknown())]));
const metricSchema = z.union([
  z.object({ type: z.string(), contains: z.string().optional(), values: valuesSchema }),
  valuesSchema,
]);
const summarySchema = z.object({
  metrics: z.record(z.string(), metricSchema),
  state: z.object({ testRunDurationMs: z.number().optional() }).optional(),
});

const SUCCESSFUL_DURATION = "http_req_duration{expected_response:true}";

export function looksLikeK6(value: unknown): boolean {
  if (typeof value !== "object" || value === null || !("metrics" in value)) return false;
  const metrics = (value as { metrics: unknown }).metrics;
  return typeof metrics === "object" && metrics !== null && ("http_req_duration" in metrics || "http_reqs" in metrics);
}

interface Metric {
  contains: string | null;
  values: Record<string, unknown>;
}

function metricOf(metrics: Record<string, z.infer<typeof metricSchema>>, name: string): Metric | null {
  const m = metrics[name];
  if (!m) return null;
  if ("values" in m && typeof m.values === "object" && m.values !== null && "type" in m)
    return { contains: typeof m.contains === "string" ? m.contains : null, values: m.values as Record<string, unknown> };
  return { contains: null, values: m as Record<string, unknown> };
}

function numberAt(metric: Metric, key: string, path: string): number | null {
  const v = metric.values[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ImportError("INVALID", `k6 summary: ${path}: not a number`);
  return v;
}

export function importK6(value: unknown): ParsedImport {
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) throw importErrorFromZod("k6 summary", parsed.error, [], value);
  const { metrics, state } = parsed.data;
  const warnings: string[] = [];
  const successfulOnly = metricOf(metrics, SUCCESSFUL_DURATION);
  const durationName = successfulOnly ? SUCCESSFUL_DURATION : "http_req_duration";
  const duration = successfulOnly ?? metricOf(metrics, "http_req_duration");
  if (!duration) throw new ImportError("FIELD_MISSING", "k6 summary: field missing: metrics.http_req_duration");
  const at = (key: string) => `metrics["${durationName}"]${duration.contains === null ? "" : ".values"}["${key}"]`;
  if (duration.contains !== null && duration.contains !== "time")
    throw new ImportError(
      "UNIT_UNKNOWN",
      `k6 summary: unit unknown: metrics["${durationName}"].contains is "${duration.contains}", not "time" (milliseconds)`,
    );
  if (!successfulOnly)
    warnings.push("k6 wrote no http_req_duration{expected_response:true}: the latency figures include failed requests");

  const percentiles: ReportedPercentile[] = [];
  for (const key of Object.keys(duration.values)) {
    const p = key === "med" ? 50 : /^p\((\d+(?:\.\d+)?)\)$/.exec(key)?.[1];
    if (p === undefined) continue;
    const ms = numberAt(duration, key, at(key));
    if (ms !== null) percentiles.push({ percentile: Number(p), valueUs: ms * 1000 });
  }
  if (percentiles.length === 0)
    throw new ImportError("FIELD_MISSING", `k6 summary: field missing: ${at("med")} (no percentile: med or p(N))`);
  const msToUs = (v: number | null) => (v === null ? null : v * 1000);

  const reqs = metricOf(metrics, "http_reqs");
  const total = reqs ? numberAt(reqs, "count", 'metrics.http_reqs["count"]') : null;
  const rate = reqs ? numberAt(reqs, "rate", 'metrics.http_reqs["rate"]') : null;
  const failedMetric = metricOf(metrics, "http_req_failed");
  // A rate metric counts its true values as "passes": for http_req_failed, true is a failed request.
  const failed = failedMetric ? numberAt(failedMetric, "passes", 'metrics.http_req_failed["passes"]') : null;
  if (total === null) throw new ImportError("FIELD_MISSING", 'k6 summary: field missing: metrics.http_reqs["count"]');
  if (failed === null)
    warnings.push("k6 wrote no http_req_failed: errors are unknown, and the request count includes any failed one");
  const fromState = state?.testRunDurationMs !== undefined ? state.testRunDurationMs / 1000 : null;
  // k6's counter rate is count / test run duration, so the duration follows from the two.
  const durationSeconds = fromState ?? (rate !== null && rate > 0 ? total / rate : null);
  if (durationSeconds === null || !(durationSeconds > 0))
    throw new ImportError(
      "FIELD_MISSING",
      'k6 summary: field missing: metrics.http_reqs["rate"] (and no state.testRunDurationMs)',
    );
  const successful = failed !== null ? total - failed : total;
  warnings.unshift(
    "k6's summary keeps percentiles only (the ones its summaryTrendStats asked for): no histogram, so no interval and no verdict for this run",
  );
  return {
    format: "k6-summary",
    tool: "k6",
    toolVersion: null,
    startedAt: null,
    finishedAt: null,
    requestedQps: null,
    actualQps: successful / durationSeconds,
    connections: null,
    durationSeconds,
    count: successful,
    errors: failed === null ? null : failed > 0 ? { http_req_failed: failed } : {},
    latency: {
      kind: "percentiles",
      ...reportedLatency(percentiles, {
        minUs: msToUs(numberAt(duration, "min", at("min"))),
        meanUs: msToUs(numberAt(duration, "avg", at("avg"))),
        maxUs: msToUs(numberAt(duration, "max", at("max"))),
      }),
    },
    perSecond: [],
    intervals: null,
    bucketResolution: null,
    warnings,
  };
}
