import { z } from "zod";
import { goDurationSeconds, reportedLatency } from "./reported";
import { ImportError, type ParsedImport, type ReportedPercentile } from "./types";
import { importErrorFromZod } from "./zod-issue";

/**
 * Service Mesh Performance (SMP) result files: a PerformanceTestResult of
 * protos/service_mesh_performance.proto, alone or beside its PerformanceTestConfig (as MeshBench and
 * Meshery write them), as JSON or YAML. Field names are accepted as the proto spells them
 * (snake_case, Meshery's YAML), as proto3 JSON spells them (lowerCamelCase), and in the older
 * spellings (actual_QPS): every key is read lower-cased with camelCase split at its capitals.
 *
 * SMP keeps six latency figures (latencies_ms: min, average, p50, p90, p99, max), the achieved rate
 * and the time window, and no request count or error count: the run is "percentiles only", with its
 * errors and request count unknown (never 0).
 */

function snakeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Every object key in snake_case, lower-cased, so the proto's, proto3 JSON's and older spellings read alike. */
export function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (value instanceof Date) return value;
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeKey(k), normaliseKeys(v)]));
  return value;
}

export function looksLikeSmp(normalised: unknown): boolean {
  if (typeof normalised !== "object" || normalised === null) return false;
  return "performance_test_result" in normalised || ("latencies_ms" in normalised && !("metrics" in normalised));
}

const number = z.coerce.number().refine(Number.isFinite, "not a number");
const timestamp = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: "custom", message: `not a timestamp: ${String(v)}` });
    return z.NEVER;
  }
  return d;
});

const resultSchema = z.object({
  smp_version: z.string().optional(),
  start_time: timestamp.optional(),
  end_time: timestamp.optional(),
  latencies_ms: z.object({
    min: number.optional(),
    average: number.optional(),
    p50: number.optional(),
    p90: number.optional(),
    p99: number.optional(),
    max: number.optional(),
  }),
  actual_qps: number,
});

const configSchema = z
  .object({
    smp_version: z.string().optional(),
    duration: z.string().optional(),
    clients: z
      .array(
        z.object({
          load_generator: z.string().optional(),
          connections: number.optional(),
          rps: number.optional(),
        }),
      )
      .optional(),
  })
  .optional();

export function importSmp(normalised: unknown): ParsedImport {
  const doc = normalised as Record<string, unknown>;
  const wrapped = "performance_test_result" in doc;
  const parsed = resultSchema.safeParse(wrapped ? doc.performance_test_result : doc);
  const resultValue = wrapped ? doc.performance_test_result : doc;
  if (!parsed.success)
    throw importErrorFromZod("SMP result", parsed.error, wrapped ? ["performance_test_result"] : [], resultValue);
  const config = configSchema.safeParse(doc.performance_test_config);
  if (!config.success)
    throw importErrorFromZod("SMP result", config.error, ["performance_test_config"], doc.performance_test_config);
  const r = parsed.data;
  const l = r.latencies_ms;
  const ms = (v: number | undefined) => (v === undefined ? null : v * 1000);
  const percentiles: ReportedPercentile[] = [];
  for (const [percentile, value] of [
    [50, l.p50],
    [90, l.p90],
    [99, l.p99],
  ] as const)
    if (value !== undefined) percentiles.push({ percentile, valueUs: value * 1000 });
  if (percentiles.length === 0)
    throw new ImportError(
      "FIELD_MISSING",
      `SMP result: field missing: ${wrapped ? "performance_test_result." : ""}latencies_ms.p50 (no percentile at all)`,
    );
  const clients = config.data?.clients ?? [];
  const client = clients.length === 1 ? clients[0] : undefined;
  const startedAt = r.start_time ?? null;
  const finishedAt = r.end_time ?? null;
  const windowSeconds = startedAt && finishedAt ? (finishedAt.getTime() - startedAt.getTime()) / 1000 : null;
  const configSeconds = config.data?.duration ? goDurationSeconds(config.data.duration) : null;
  const durationSeconds = windowSeconds !== null && windowSeconds > 0 ? windowSeconds : configSeconds;
  if (durationSeconds === null || !(durationSeconds > 0))
    throw new ImportError(
      "FIELD_MISSING",
      `SMP result: field missing: ${wrapped ? "performance_test_result." : ""}end_time (no start_time and end_time, and no performance_test_config.duration: the run's length is unknown)`,
    );
  const warnings = [
    "SMP keeps percentiles only (p50, p90, p99, min, average, max): no histogram, so no interval and no verdict for this run",
    "SMP has no request or error count: both are unknown",
  ];
  return {
    format: "smp",
    tool: client?.load_generator ? `SMP (${client.load_generator})` : "SMP",
    toolVersion: r.smp_version ?? config.data?.smp_version ?? null,
    startedAt,
    finishedAt,
    requestedQps: client?.rps !== undefined && client.rps > 0 ? client.rps : null,
    actualQps: r.actual_qps,
    connections: client?.connections ?? null,
    durationSeconds,
    count: null,
    errors: null,
    latency: {
      kind: "percentiles",
      ...reportedLatency(percentiles, { minUs: ms(l.min), meanUs: ms(l.average), maxUs: ms(l.max) }),
    },
    perSecond: [],
    intervals: null,
    bucketResolution: null,
    warnings,
  };
}
