import { z } from "zod";
import { createLatencyHistogram, encodeHistogram, type Histogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";

/**
 * fortio's `fortio load -json -` output, parsed into the same IterationResult the local backend
 * produces. Pure: no I/O. Only the fields MeshBench uses are declared; everything else fortio
 * writes (Sizes, HeaderSizes, IPCountMap, …) is ignored.
 *
 * Times in fortio's histograms are seconds (float); ActualDuration is a Go time.Duration, i.e.
 * integer nanoseconds; RetCodes keys are the HTTP status as a string, "-1" for a request that got
 * no HTTP answer (connect/read/write error); RequestedQPS is a number as a string, or "max".
 */

const bucketSchema = z.object({
  Start: z.number(),
  End: z.number(),
  Percent: z.number(),
  Count: z.number().int().min(0),
});

const histogramSchema = z.object({
  Count: z.number().int().min(0),
  Min: z.number(),
  Max: z.number(),
  Sum: z.number(),
  Avg: z.number(),
  StdDev: z.number().optional(),
  Data: z.array(bucketSchema).nullable().default([]),
  Percentiles: z
    .array(z.object({ Percentile: z.number(), Value: z.number() }))
    .nullable()
    .optional(),
});

export const fortioResultSchema = z.object({
  RunType: z.string().optional(),
  StartTime: z.string().optional(),
  RequestedQPS: z.union([z.string(), z.number()]),
  RequestedDuration: z.string().optional(),
  ActualQPS: z.number(),
  /** nanoseconds */
  ActualDuration: z.number(),
  NumThreads: z.number().int().optional(),
  Version: z.string().optional(),
  DurationHistogram: histogramSchema,
  /** Newer fortio versions: latencies of the failed requests alone (a subset of DurationHistogram). */
  ErrorsDurationHistogram: histogramSchema.nullable().optional(),
  RetCodes: z.record(z.string(), z.number().int().min(0)).nullable().default({}),
  URL: z.string().optional(),
});
export type FortioResult = z.infer<typeof fortioResultSchema>;
export type FortioHistogram = z.infer<typeof histogramSchema>;

/** A load generator below this share of its requested rate could not keep up: its latencies are suspect. */
export const FELL_BEHIND_RATIO = 0.98;

export interface FortioLoadGeneratorCheck {
  /** null for "max" (closed loop): nothing to fall behind. */
  requestedQps: number | null;
  actualQps: number;
  /** actual / requested; null for "max". */
  ratio: number | null;
  fellBehind: boolean;
}

export interface ParsedFortioRun {
  result: IterationResult;
  loadGenerator: FortioLoadGeneratorCheck;
  /** fortio version when it wrote one. */
  version: string | null;
  /** fortio's own percentiles in µs, for cross-checking the converted histogram. */
  fortioPercentilesUs: Record<string, number>;
  /** Things the caller should log or surface (e.g. the load generator fell behind). */
  warnings: string[];
}

export interface ParseFortioOptions {
  iteration: number;
  /** Used when the output has no parsable StartTime. */
  startedAt?: Date;
}

/**
 * Parse fortio's JSON as the cluster backend gets it: the whole text is the result object (the
 * client pod's driver cats the file fortio's REST API answered with, and nothing else). Strict: a
 * text with anything around the object is refused, never sliced.
 */
export function parseFortioResult(text: string, options: ParseFortioOptions): ParsedFortioRun {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`fortio output is not JSON: ${(error as Error).message}`);
  }
  const parsed = fortioResultSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`fortio output has an unexpected shape: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`);
  }
  return fortioToIterationResult(parsed.data, options);
}

/** Parse fortio's JSON text (the whole pod log, possibly with non-JSON lines before the object). */
export function parseFortioJson(text: string, options: ParseFortioOptions): ParsedFortioRun {
  return fortioToIterationResult(parseFortioOutput(text), options);
}

/**
 * Validates fortio's JSON; throws an Error that names the offending field. A pod log interleaves
 * fortio's log lines (plain or structured JSON, one per line) with the result, which `-json -`
 * pretty-prints starting with a line that is just "{": every line that opens an object is tried,
 * those lines first, until one parses as fortio's result.
 */
export function parseFortioOutput(text: string): FortioResult {
  const end = text.lastIndexOf("}") + 1;
  if (end === 0) throw new Error("fortio output holds no JSON object");
  const starts: { from: number; bare: boolean }[] = [];
  let from = 0;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("{")) starts.push({ from, bare: trimmed === "{" });
    from += line.length + 1;
  }
  const ordered = [...starts.filter((s) => s.bare), ...starts.filter((s) => !s.bare)];
  let problem = "not JSON";
  let shapeProblem: string | null = null;
  for (const start of ordered) {
    const lineEnd = text.indexOf("\n", start.from);
    for (const to of new Set([lineEnd < 0 ? end : lineEnd, end])) {
      let raw: unknown;
      try {
        raw = JSON.parse(text.slice(start.from, to));
      } catch (err) {
        if (to === end && start === ordered[0]) problem = `not JSON: ${(err as Error).message}`;
        continue;
      }
      const parsed = fortioResultSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      shapeProblem ??= `an unexpected shape: ${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"}`;
    }
  }
  throw new Error(`fortio output is ${shapeProblem ?? problem}`);
}

/** "max" (or 0 / negative, fortio's spelling of no limit) → null; otherwise the number. */
export function parseRequestedQps(value: string | number): number | null {
  if (typeof value === "string" && value.trim().toLowerCase() === "max") return null;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw new Error(`fortio RequestedQPS is neither a number nor "max": ${JSON.stringify(value)}`);
  return n > 0 ? n : null;
}

/** What fortio counts as OK (fortio/fortio fhttp/http_client.go): any 2xx, and 418. */
export function fortioCodeIsOk(code: string): boolean {
  const n = Number(code);
  return Number.isInteger(n) && ((n >= 200 && n <= 299) || n === 418);
}

/** RetCodes → MeshBench error kinds: what fortio counts OK is OK, "-1" is a failed connection. */
export function fortioErrors(retCodes: Record<string, number> | null): { ok: number; errors: Record<string, number> } {
  let ok = 0;
  const errors: Record<string, number> = {};
  for (const [code, count] of Object.entries(retCodes ?? {})) {
    if (count === 0) continue;
    if (fortioCodeIsOk(code)) {
      ok += count;
      continue;
    }
    const kind = code === "-1" ? "connection_error" : `http_${code}`;
    errors[kind] = (errors[kind] ?? 0) + count;
  }
  return { ok, errors };
}

const secondsToUs = (s: number) => s * 1_000_000;

/**
 * Convert fortio's bucketed histogram into MeshBench's HDR histogram (µs).
 *
 * This is an approximation: fortio keeps only counts per bucket, not the values, so each bucket's
 * count is recorded at one representative value, the bucket's midpoint. The error of any value is
 * therefore at most half the bucket's width. With `-r 0.000001` fortio's buckets are in µs with
 * boundaries 0,1,2,…,11,12,14,…,20,25,…,50,60,…,100,120,…,200,250,…,500,600,…,1000,2000,3000,4000,
 * 5000,7500,10000,20000,…,100000 (× resolution): 1 µs wide at the bottom, but 1 ms wide between 1
 * and 5 ms and 10–25 ms wide between 10 and 100 ms; everything above 100 ms falls into one last
 * bucket that ends at the run's Max. fortio's own percentiles interpolate linearly inside the same
 * buckets, so neither is finer than the bucket width; the HDR histogram's own 0.1% error is
 * negligible next to it. min and max stay exact: fortio clamps the first bucket's Start to Min and
 * the last bucket's End to Max, and one sample of each is recorded at exactly that value.
 *
 * `subtract` (the ErrorsDurationHistogram) removes failed requests bucket by bucket, so the result
 * holds successful requests only, like the local backend's. Buckets of the two histograms are
 * matched by overlap, not by equal bounds: fortio clamps each histogram's first and last bucket to
 * its own Min and Max, so the same bucket can have different bounds in the two.
 */
export function fortioHistogramToHdr(
  histogram: FortioHistogram,
  subtract?: FortioHistogram | null,
): { histogram: Histogram; unmatchedSubtracted: number } {
  const hdr = createLatencyHistogram();
  const data = (histogram.Data ?? []).filter((b) => b.Count > 0);
  const removed = data.map(() => 0);
  let unmatchedSubtracted = 0;
  for (const e of subtract?.Data ?? []) {
    if (e.Count <= 0) continue;
    const index = data.findIndex((b) => sameBucket(b, e));
    if (index < 0) unmatchedSubtracted += e.Count;
    else removed[index] = (removed[index] ?? 0) + e.Count;
  }
  const lastIndex = data.length - 1;
  data.forEach((bucket, index) => {
    const minus = Math.min(bucket.Count, removed[index] ?? 0);
    let count = bucket.Count - minus;
    if (count <= 0) return;
    // Keep the exact extremes, unless errors were taken out of that bucket (the extreme may have been one).
    if (index === 0 && minus === 0) {
      recordLatencyUs(hdr, secondsToUs(bucket.Start));
      count--;
    }
    if (index === lastIndex && minus === 0 && count > 0) {
      recordLatencyUs(hdr, secondsToUs(bucket.End));
      count--;
    }
    if (count <= 0) return;
    const midUs = secondsToUs((bucket.Start + bucket.End) / 2);
    hdr.recordValueWithCount(Math.round(Math.min(Math.max(midUs, 0), hdr.highestTrackableValue)), count);
  });
  return { histogram: hdr, unmatchedSubtracted };
}

/** fortio's buckets are disjoint, so two that overlap (or a point inside a bucket) are the same bucket. */
function sameBucket(a: { Start: number; End: number }, b: { Start: number; End: number }): boolean {
  if (Math.max(a.Start, b.Start) < Math.min(a.End, b.End)) return true;
  if (b.Start === b.End) return a.Start <= b.Start && b.Start <= a.End;
  if (a.Start === a.End) return b.Start <= a.Start && a.Start <= b.End;
  return false;
}

export function fortioToIterationResult(fortio: FortioResult, options: ParseFortioOptions): ParsedFortioRun {
  const warnings: string[] = [];
  const requestedQps = parseRequestedQps(fortio.RequestedQPS);
  const { ok, errors } = fortioErrors(fortio.RetCodes);

  // Errors can only be taken out of the latency histogram when fortio reports their latencies apart.
  const errorTotal = Object.values(errors).reduce((a, b) => a + b, 0);
  const errorsHistogram = fortio.ErrorsDurationHistogram ?? null;
  if (errorTotal > 0 && !errorsHistogram)
    warnings.push(
      "fortio did not report error latencies apart (no ErrorsDurationHistogram): the histogram includes failed requests",
    );
  if (errorTotal > 0 && errorsHistogram && errorsHistogram.Count !== errorTotal)
    warnings.push(
      `fortio's ErrorsDurationHistogram holds ${errorsHistogram.Count} requests but RetCodes count ${errorTotal} errors`,
    );
  const converted = fortioHistogramToHdr(fortio.DurationHistogram, errorTotal > 0 ? errorsHistogram : null);
  const hdr = converted.histogram;
  if (converted.unmatchedSubtracted > 0)
    warnings.push(`${converted.unmatchedSubtracted} failed request(s) matched no latency bucket and stay in the histogram`);
  try {
    const measuredSeconds = fortio.ActualDuration / 1e9;
    const ratio = requestedQps === null ? null : fortio.ActualQPS / requestedQps;
    const fellBehind = ratio !== null && ratio < FELL_BEHIND_RATIO;
    if (fellBehind && requestedQps !== null) {
      warnings.push(
        `load generator fell behind: ${fortio.ActualQPS.toFixed(1)} req/s of ${requestedQps} requested (${((ratio ?? 0) * 100).toFixed(1)}%)`,
      );
    }
    const parsedStart = fortio.StartTime ? new Date(fortio.StartTime) : null;
    const startedAt =
      parsedStart && !Number.isNaN(parsedStart.getTime()) ? parsedStart : (options.startedAt ?? new Date(Number.NaN));
    if (Number.isNaN(startedAt.getTime())) throw new Error("fortio output has no StartTime and none was given");
    const finishedAt = new Date(startedAt.getTime() + fortio.ActualDuration / 1e6);

    const fortioPercentilesUs: Record<string, number> = {};
    for (const p of fortio.DurationHistogram.Percentiles ?? []) fortioPercentilesUs[String(p.Percentile)] = secondsToUs(p.Value);
    // fortio's exact mean and its own interpolated percentiles, where they describe the same
    // requests as the result (no failed ones mixed in); the rest from the converted histogram.
    const summary = summarize(hdr);
    const latency =
      summary && errorTotal === 0 && fortio.DurationHistogram.Count === ok
        ? {
            ...summary,
            minUs: secondsToUs(fortio.DurationHistogram.Min),
            maxUs: secondsToUs(fortio.DurationHistogram.Max),
            meanUs: secondsToUs(fortio.DurationHistogram.Avg),
            p50Us: fortioPercentilesUs["50"] ?? summary.p50Us,
            p75Us: fortioPercentilesUs["75"] ?? summary.p75Us,
            p90Us: fortioPercentilesUs["90"] ?? summary.p90Us,
            p99Us: fortioPercentilesUs["99"] ?? summary.p99Us,
            p999Us: fortioPercentilesUs["99.9"] ?? summary.p999Us,
          }
        : summary;

    return {
      result: {
        iteration: options.iteration,
        requestedQps,
        // Like the local generator's rate: successful responses per measured second. fortio's ActualQPS
        // counts failed requests too; it is kept in loadGenerator, where it says whether fortio kept up.
        actualQps: measuredSeconds > 0 ? ok / measuredSeconds : 0,
        count: ok,
        errors,
        latency,
        histogram: encodeHistogram(hdr),
        // fortio does not report completions per second.
        perSecond: [],
        measuredSeconds,
        components: [],
        startedAt,
        finishedAt,
      },
      loadGenerator: { requestedQps, actualQps: fortio.ActualQPS, ratio, fellBehind },
      version: fortio.Version ?? null,
      fortioPercentilesUs,
      warnings,
    };
  } finally {
    hdr.destroy();
  }
}
