import { z } from "zod";

/**
 * What one repetition of a benchmark produced, whichever backend ran it.
 * Latencies are in microseconds; the histogram is HDR, compressed (hdr-histogram-js encoding).
 */
export interface ComponentUsage {
  /** e.g. "loadgen", "upstream", "proxy-client", "proxy-server" */
  component: string;
  role: "loadgen" | "app" | "proxy" | "control-plane";
  /** Mean CPU cores used over the measurement window; null when it could not be measured. */
  cpuCores: number | null;
  /**
   * Peak resident memory in bytes; null when it could not be measured. On Kubernetes: the peak
   * cAdvisor working set (container_memory_working_set_bytes) of the component's largest container.
   */
  maxRssBytes: number | null;
}

export interface LatencySummary {
  minUs: number;
  meanUs: number;
  maxUs: number;
  p50Us: number;
  p75Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
}

export interface IterationResult {
  iteration: number;
  /** null for max-throughput runs */
  requestedQps: number | null;
  actualQps: number;
  /** Successful responses in the measurement window (warm-up excluded). */
  count: number;
  /** Failed requests by kind, e.g. { timeout: 3, "http_503": 12 }. */
  errors: Record<string, number>;
  latency: LatencySummary | null;
  /** Compressed HDR histogram of latency in µs (base64 text as produced by hdr-histogram-js). */
  histogram: string;
  /** Completions per second of the measurement window, for rate accuracy. */
  perSecond: number[];
  measuredSeconds: number;
  components: ComponentUsage[];
  startedAt: Date;
  finishedAt: Date;
}

/** The shapes above as schemas, for results that travel as JSON (a spool file, a child process). */
export const componentUsageSchema = z.object({
  component: z.string(),
  role: z.enum(["loadgen", "app", "proxy", "control-plane"]),
  cpuCores: z.number().nullable(),
  maxRssBytes: z.number().nullable(),
}) satisfies z.ZodType<ComponentUsage>;

export const latencySummarySchema = z.object({
  minUs: z.number(),
  meanUs: z.number(),
  maxUs: z.number(),
  p50Us: z.number(),
  p75Us: z.number(),
  p90Us: z.number(),
  p99Us: z.number(),
  p999Us: z.number(),
}) satisfies z.ZodType<LatencySummary>;

export const iterationResultSchema = z.object({
  iteration: z.number().int().min(1),
  requestedQps: z.number().nullable(),
  actualQps: z.number(),
  count: z.number().int(),
  errors: z.record(z.string(), z.number()),
  latency: latencySummarySchema.nullable(),
  histogram: z.string(),
  perSecond: z.array(z.number()),
  measuredSeconds: z.number(),
  components: z.array(componentUsageSchema),
  startedAt: z.coerce.date(),
  finishedAt: z.coerce.date(),
}) satisfies z.ZodType<IterationResult, unknown>;
