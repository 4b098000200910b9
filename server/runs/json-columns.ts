import { z } from "zod";
import type { ProbeHistogramInput } from "~/core/compare";
import { type ImportProvenance, importProvenanceSchema } from "~/core/imports/provenance";
import type { ReportedLatency } from "~/core/imports/types";
import type { RunInterference } from "~/core/interference";
import type { ComponentUsage } from "~/core/result";
import { type RunEnvironment, runEnvironmentSchema } from "~/core/run-environment";
import { type RunSpec, runSpecSchema } from "~/core/spec";

/**
 * The JSON columns of a run, its results and its probe results, each read through one schema.
 * PostgreSQL does not check what a JSON column holds, so a row written by an older version or by
 * hand must not break a page: a value that does not fit reads as missing (null, empty), never as
 * an error.
 */

/** BenchmarkRun.spec: the spec as the form submitted it, with today's defaults; null if it no longer parses. */
const specColumn = runSpecSchema.nullable().catch(null);

export function parseSpec(json: unknown): RunSpec | null {
  return specColumn.parse(json);
}

/** RunResult.errors: failed requests by kind. */
export const errorsColumn = z.record(z.string(), z.number()).catch({});

/** RunResult.perSecond: completions in each second of the measurement window. */
export const perSecondColumn = z.array(z.number()).catch([]);

/** RunResult.components: CPU and memory of each process or container of the run. */
export const componentsColumn = z
  .array(
    z.object({
      component: z.string(),
      role: z.enum(["loadgen", "app", "proxy", "control-plane"]).catch("app"),
      cpuCores: z.number().nullable().catch(null),
      maxRssBytes: z.number().nullable().catch(null),
    }),
  )
  .catch([]) satisfies z.ZodType<ComponentUsage[]>;

/** ProbeResult.summary: the probe's headline figures by name. */
export const probeSummaryColumn = z.record(z.string(), z.number().nullable().catch(null)).catch({});

const bucketSchema = z.object({ min: z.number().nullable(), max: z.number().nullable(), count: z.number() });

/** ProbeResult.data, the part a comparison reads: its histograms. The rest is the probe's own. */
export const probeHistogramsColumn = z
  .object({
    histograms: z
      .array(
        z.object({
          metric: z.string(),
          labels: z.record(z.string(), z.string()).catch({}),
          unit: z.string().catch(""),
          buckets: z.array(bucketSchema),
          count: z.number().catch(0),
        }),
      )
      .catch([]),
  })
  .transform((data) => data.histograms)
  .catch([]) satisfies z.ZodType<ProbeHistogramInput[]>;

/** BenchmarkRun.interference: what else used the machine while a local run measured; null if absent or unreadable. */
export const interferenceColumn = z
  .object({
    windowSeconds: z.number(),
    outsideCpuSeconds: z.number(),
    stealSeconds: z.number().nullable().catch(null),
    byName: z.array(z.object({ comm: z.string(), cpuSeconds: z.number(), processes: z.number().catch(1) })).catch([]),
    placement: z.object({
      cpuCount: z.number(),
      isolated: z.boolean(),
      benchmarkCpus: z.string().optional(),
      otherCpus: z.string().optional(),
      note: z.string(),
    }),
  })
  .nullable()
  .catch(null) satisfies z.ZodType<RunInterference | null>;

/** BenchmarkRun.importProvenance: where an imported run came from; null for runs measured here (or unreadable). */
export const importProvenanceColumn = importProvenanceSchema.nullable().catch(null) satisfies z.ZodType<ImportProvenance | null>;

/** RunResult.reportedLatency: the percentiles an imported file reported, when it kept no histogram. */
export const reportedLatencyColumn = z
  .object({
    percentiles: z.array(z.object({ percentile: z.number(), valueUs: z.number() })),
    minUs: z.number().nullable(),
    meanUs: z.number().nullable(),
    maxUs: z.number().nullable(),
  })
  .nullable()
  .catch(null) satisfies z.ZodType<ReportedLatency | null>;

/** BenchmarkRun.environment: where the run ran; null if absent or unreadable. */
export const environmentColumn = runEnvironmentSchema.nullable().catch(null) satisfies z.ZodType<RunEnvironment | null>;
