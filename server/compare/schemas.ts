import { z } from "zod";
import { MAX_COMPARE_RUNS, MIN_COMPARE_RUNS } from "~/core/compare-limits";
import { gatesSchema } from "~/core/gates";
import { MESH_PROFILES } from "~/core/meshes";
import { plainTextSchema } from "~/core/text";
import { idSchema, pageInputShape } from "~/server/api/schemas";

export const compareRunIdsSchema = z
  .array(idSchema)
  .min(MIN_COMPARE_RUNS, `Pick at least ${MIN_COMPARE_RUNS} runs`)
  .max(MAX_COMPARE_RUNS, `Pick at most ${MAX_COMPARE_RUNS} runs`)
  .refine((ids) => new Set(ids).size === ids.length, "A run can appear only once");

export const compareRunsInput = z.object({ runIds: compareRunIdsSchema, baselineId: idSchema.nullish() });

export const compareCandidatesInput = z.object({
  search: plainTextSchema.trim().max(120).optional(),
  mesh: z.enum(MESH_PROFILES).optional(),
  ...pageInputShape,
});

export const setBaselineInput = z.object({ runId: idSchema, baseline: z.boolean() });

/** A baseline named by run id, or by profile (a mesh name: that profile's marked baseline run). */
export const baselineRefSchema = z.union([z.enum(MESH_PROFILES), idSchema]);

export const judgeGatesInput = z.object({ runId: idSchema, baseline: baselineRefSchema, gates: gatesSchema });
