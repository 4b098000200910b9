import { z } from "zod";
import { MESH_PROFILES } from "~/core/meshes";
import { runNameSchema, runSpecSchema } from "~/core/spec";
import { pageInputShape } from "~/server/api/schemas";
import { RunStatus } from "~/server/db/generated/enums";

export const listRunsInput = z.object({
  ...pageInputShape,
  status: z.enum(RunStatus).optional(),
  mesh: z.enum(MESH_PROFILES).optional(),
});

export const createRunInput = z.object({ name: runNameSchema, spec: runSpecSchema });
