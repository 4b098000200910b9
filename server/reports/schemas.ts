import { z } from "zod";
import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import { plainTextSchema } from "~/core/text";
import { idSchema, pageInputShape } from "~/server/api/schemas";
import { ReportFormat } from "~/server/db/generated/enums";

export const listReportsInput = z.object({
  /** Only reports of exactly this set of runs (the compare page's). */
  runIds: z.array(idSchema).min(1).max(MAX_COMPARE_RUNS).optional(),
  ...pageInputShape,
});

export const generateReportsInput = z.object({
  runIds: z
    .array(idSchema)
    .min(1)
    .max(MAX_COMPARE_RUNS)
    .refine((ids) => new Set(ids).size === ids.length, "A run can appear only once"),
  baselineId: idSchema.nullish(),
  formats: z.array(z.enum(ReportFormat)).min(1).max(2),
  title: plainTextSchema.trim().min(1).max(200).optional(),
});
