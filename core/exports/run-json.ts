import { z } from "zod";
import { encodeHistogram, LATENCY_HISTOGRAM_RANGE, summarize } from "../histogram";
import { BACKENDS } from "../meshes";
import { componentUsageSchema, latencySummarySchema } from "../result";
import { runEnvironmentSchema } from "../run-environment";
import { runSpecSchema } from "../spec";
import { CONFIDENCE } from "../stats";
import type { RunExportInput } from "./run-input";

/** The run JSON has no way to say "unknown" for a count: a caller refuses such a run (an import) first. */
function known(value: number | null, what: string): number {
  if (value === null) throw new RangeError(`the run's ${what} is unknown: it cannot be written as MeshBench run JSON`);
  return value;
}

/**
 * MeshBench's own export of one run: everything needed to recompute any figure later (every
 * repetition's full HDR histogram, its window and per-second completions, CPU and memory per
 * component) plus the statistics the app showed. Pure.
 *
 * The zod schema below is the format's definition: the export is typed by it and its JSON Schema
 * (served at RUN_EXPORT_SCHEMA_PATH) is generated from it, so the two cannot drift. A change that
 * breaks a reader of v1 needs a v2 (new format string, new schema URL).
 */

export const RUN_EXPORT_FORMAT = "meshbench.run/v1";

const isoDate = z.iso.datetime({ offset: true }).describe("RFC 3339 date-time, UTC");

const intervalSchema = z.object({ lo: z.number(), hi: z.number() }).describe("95% bootstrap confidence interval");

const estimateSchema = z.object({
  value: z.number().nullable().describe("point estimate; null when nothing was measured"),
  ci: intervalSchema.nullable().describe("null when it cannot be computed (e.g. a rate over one repetition)"),
});

const histogramSchema = z
  .object({
    encoding: z.literal("hdrhistogram-v2-compressed-base64"),
    unit: z.literal("us"),
    lowestDiscernibleValue: z.number().int().min(1),
    highestTrackableValue: z.number().int().min(2),
    significantDigits: z.number().int().min(0).max(5),
    totalCount: z.number().int().min(0),
    data: z.string().min(1).describe("HdrHistogram's compressed V2 encoding, base64, as in an .hlog line"),
  })
  .describe("The repetition's full latency histogram, decodable by any HdrHistogram implementation");

const repetitionSchema = z.object({
  iteration: z.number().int().min(1),
  startedAt: isoDate.describe("start of the measured window (warm-up excluded)"),
  finishedAt: isoDate,
  measuredSeconds: z.number().min(0),
  requestedQps: z.number().nullable().describe("null for max-throughput runs"),
  actualQps: z.number(),
  count: z.number().int().min(0).describe("successful responses in the measured window"),
  errorCount: z.number().int().min(0),
  errors: z.record(z.string(), z.number()).describe("failed requests by kind, e.g. http_503, timeout"),
  perSecond: z.array(z.number()).describe("completions in each second of the window"),
  latency: latencySummarySchema.nullable().describe("µs; null when no request completed"),
  histogram: histogramSchema,
  components: z.array(componentUsageSchema).describe("CPU cores (mean) and peak memory (bytes) per process or container"),
});

const interferenceSchema = z
  .object({
    windowSeconds: z.number(),
    outsideCpuSeconds: z.number(),
    stealSeconds: z.number().nullable(),
    byName: z.array(z.object({ comm: z.string(), cpuSeconds: z.number(), processes: z.number() })),
    placement: z.object({ cpuCount: z.number().int(), isolated: z.boolean(), note: z.string() }),
  })
  .describe("What else used the machine while a local run measured");

export const runExportSchema = z
  .object({
    $schema: z.url().describe("URL of this JSON Schema, as served by the MeshBench that exported the run"),
    format: z.literal(RUN_EXPORT_FORMAT),
    exportedAt: isoDate,
    units: z.object({
      latency: z.literal("us"),
      rate: z.literal("requests/s"),
      cpu: z.literal("cores"),
      memory: z.literal("bytes"),
    }),
    run: z.object({
      id: z.string(),
      name: z.string(),
      mesh: z.string(),
      meshLabel: z.string(),
      backend: z.enum(BACKENDS),
      status: z.string(),
      createdAt: isoDate,
      startedAt: isoDate.nullable(),
      finishedAt: isoDate.nullable(),
      createdBy: z.string().nullable(),
      loadGenerator: z.string(),
      spec: runSpecSchema.nullable().describe("null when the stored spec no longer parses"),
      interference: interferenceSchema.nullable().describe("null for cluster runs and where not measured"),
      environment: runEnvironmentSchema
        .nullable()
        .describe("where it ran: target URL, cluster version, nodes; null for runs stored before it was recorded"),
    }),
    summary: z
      .object({
        repetitions: z.number().int().min(0),
        requestCount: z.number().int().min(0),
        errorCount: z.number().int().min(0),
        errorRate: z.number().nullable(),
        errorsByKind: z.record(z.string(), z.number()),
        latency: latencySummarySchema.nullable().describe("µs, from the repetitions' histograms added together"),
        p50: estimateSchema,
        p99: estimateSchema,
        p999: estimateSchema,
        throughput: estimateSchema.describe("mean achieved requests/s over repetitions"),
        confidence: z.number(),
      })
      .describe("What the run page shows; recomputable from the repetitions"),
    repetitions: z.array(repetitionSchema),
  })
  .meta({ title: "MeshBench run export, v1" });

export type RunExport = z.output<typeof runExportSchema>;

/** The JSON Schema (draft 2020-12) of the run export, with the URL it is served at as its $id. */
export function runExportJsonSchema(id: string): Record<string, unknown> {
  const schema = z.toJSONSchema(runExportSchema, { target: "draft-2020-12", io: "output" });
  return { $schema: schema.$schema, $id: id, ...schema };
}

export function runExportJson(input: RunExportInput, meta: { exportedAt: Date; schemaUrl: string }): RunExport {
  const { run } = input;
  const iso = (d: Date) => d.toISOString();
  return {
    $schema: meta.schemaUrl,
    format: RUN_EXPORT_FORMAT,
    exportedAt: iso(meta.exportedAt),
    units: { latency: "us", rate: "requests/s", cpu: "cores", memory: "bytes" },
    run: {
      id: run.id,
      name: run.name,
      mesh: run.mesh,
      meshLabel: run.meshLabel,
      backend: run.backend,
      status: run.status,
      createdAt: iso(run.createdAt),
      startedAt: run.startedAt ? iso(run.startedAt) : null,
      finishedAt: run.finishedAt ? iso(run.finishedAt) : null,
      createdBy: run.createdBy,
      loadGenerator: run.loadGenerator,
      spec: run.spec,
      interference: run.interference,
      environment: input.environment,
    },
    summary: {
      repetitions: run.repetitions,
      requestCount: known(run.requestCount, "request count"),
      errorCount: known(run.errorCount, "error count"),
      errorRate: run.errorRate,
      errorsByKind: run.errorsByKind,
      latency: run.summary,
      p50: run.latency.p50,
      p99: run.latency.p99,
      p999: run.latency.p999,
      throughput: run.throughput,
      confidence: CONFIDENCE,
    },
    repetitions: input.repetitions.map((r) => ({
      iteration: r.iteration,
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      measuredSeconds: r.measuredSeconds,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      count: r.count,
      errorCount: r.errorCount,
      errors: r.errors,
      perSecond: r.perSecond,
      latency: summarize(r.histogram),
      histogram: {
        encoding: "hdrhistogram-v2-compressed-base64",
        unit: "us",
        lowestDiscernibleValue: LATENCY_HISTOGRAM_RANGE.lowestDiscernibleValue,
        highestTrackableValue: LATENCY_HISTOGRAM_RANGE.highestTrackableValue,
        significantDigits: LATENCY_HISTOGRAM_RANGE.numberOfSignificantValueDigits,
        totalCount: r.histogram.totalCount,
        data: encodeHistogram(r.histogram),
      },
      components: r.components,
    })),
  };
}
