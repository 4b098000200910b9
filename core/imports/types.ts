/**
 * What an imported result file holds, whatever tool wrote it. Pure: the parsers in this folder fill
 * it from a file's text, the server stores it as a run marked as imported.
 *
 * Latency comes in two kinds, and what a comparison can do with the run depends on which:
 * - "histogram": a full HDR histogram (µs, MeshBench's one configuration), so percentiles, the
 *   spectrum and the bootstrap work as for a run measured here;
 * - "percentiles": only the figures the tool wrote (SMP, k6). No histogram can be rebuilt from them,
 *   so such a run has no confidence interval and no verdict, and says so.
 */

export const IMPORT_FORMATS = ["fortio-json", "hlog", "smp", "k6-summary"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = {
  "fortio-json": "fortio JSON (-json)",
  hlog: "HdrHistogram interval log (.hlog)",
  smp: "Service Mesh Performance (SMP) result",
  "k6-summary": "k6 end-of-test summary JSON",
};

/** A percentile as the source reported it; µs. */
export interface ReportedPercentile {
  percentile: number;
  valueUs: number;
}

export interface ReportedLatency {
  percentiles: ReportedPercentile[];
  minUs: number | null;
  meanUs: number | null;
  maxUs: number | null;
}

export type ImportedLatency =
  | { kind: "histogram" /** compressed HDR histogram, base64 (core/histogram.ts) */; histogram: string }
  | ({ kind: "percentiles" } & ReportedLatency);

export interface ParsedImport {
  format: ImportFormat;
  /** The tool that wrote the file, as a reader names it (e.g. "fortio", "k6"). */
  tool: string;
  toolVersion: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** null when the run was not at a fixed rate, or the file does not say. */
  requestedQps: number | null;
  /** Successful responses per second over the measured time (all responses when errors are unknown). */
  actualQps: number;
  connections: number | null;
  /** Measured time; a file that cannot say is refused. */
  durationSeconds: number;
  /** Successful responses; null when the file does not say (SMP). */
  count: number | null;
  /** Failed requests by kind; null when the file does not say (SMP). */
  errors: Record<string, number> | null;
  latency: ImportedLatency;
  /** Completions per second of each interval, where the file has intervals. */
  perSecond: number[];
  /** Histogram intervals in the file (.hlog); null for other formats. */
  intervals: number | null;
  /** fortio only: width of the bucket holding p50, alone and relative to p50. */
  bucketResolution: { bucketWidthAtP50Us: number; p50Us: number; relativeToP50: number } | null;
  /** What the importer had to approximate or could not keep, in plain words. */
  warnings: string[];
}

/** A file that cannot be imported: the message names the problem (and the field's path). */
export class ImportError extends Error {
  constructor(
    readonly code: "UNRECOGNISED" | "FIELD_MISSING" | "INVALID" | "UNIT_UNKNOWN" | "TOO_LARGE" | "EMPTY",
    message: string,
  ) {
    super(message);
    this.name = "ImportError";
  }
}

/**
 * Largest file accepted, in bytes. The file travels inside a tRPC request, which the web edge caps
 * at 1 MiB (server/http/body-limit.ts): 640 KiB leaves room for base64 (4/3) or for the escaping
 * JSON text gets inside a JSON string, so a file under this limit is never cut off by the edge.
 */
export const MAX_IMPORT_BYTES = 640 * 1024;
