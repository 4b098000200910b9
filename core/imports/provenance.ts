import { z } from "zod";
import { IMPORT_FORMATS } from "./types";

/**
 * Where an imported run came from and what its file could not say, stored with the run
 * (BenchmarkRun.importProvenance) and shown wherever the run appears.
 */
export const importProvenanceSchema = z.object({
  format: z.enum(IMPORT_FORMATS),
  tool: z.string(),
  toolVersion: z.string().nullable(),
  fileName: z.string(),
  /** Name or email of the user who uploaded it; null once that account is gone. */
  uploadedBy: z.string().nullable(),
  uploadedAt: z.string(),
  /** "percentiles-only": no histogram, so no interval and no verdict. */
  latencyData: z.enum(["histogram", "percentiles-only"]),
  /** False when the file has no request count (SMP): the count is unknown, not 0. */
  countKnown: z.boolean(),
  /** False when the file has no error count (SMP, .hlog): errors are unknown, not 0. */
  errorsKnown: z.boolean(),
  /** False when the file does not say when the run took place. */
  timesKnown: z.boolean(),
  requestedQps: z.number().nullable(),
  connections: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  /** Interval histograms in an .hlog. */
  intervals: z.number().nullable(),
  bucketResolution: z.object({ bucketWidthAtP50Us: z.number(), p50Us: z.number(), relativeToP50: z.number() }).nullable(),
  warnings: z.array(z.string()),
});
export type ImportProvenance = z.infer<typeof importProvenanceSchema>;

/** One line naming the source: "imported from fortio 1.69.1 (run.json)". */
export function describeProvenance(p: ImportProvenance): string {
  return `imported from ${p.tool}${p.toolVersion ? ` ${p.toolVersion}` : ""} (${p.fileName})`;
}

export const PERCENTILES_ONLY_NOTE =
  "percentiles only: the file kept no histogram, so this run has no confidence interval and no verdict";
