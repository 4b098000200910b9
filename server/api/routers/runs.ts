import { byIdInput } from "~/server/api/schemas";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "~/server/api/trpc";
import { createRunInput, listRunsInput } from "~/server/runs/schemas";
import { availableMeshes, cancelRun, createRun, getRun, listRuns } from "~/server/runs/service";

export const runsRouter = createTRPCRouter({
  /** Runs newest first, a page at a time, optionally by status and mesh. */
  list: protectedProcedure.input(listRunsInput).query(({ input }) => listRuns(input)),

  get: protectedProcedure.input(byIdInput).query(({ input }) => getRun(input.id)),

  meshes: protectedProcedure.query(() => availableMeshes()),

  create: operatorProcedure
    .input(createRunInput)
    .mutation(({ ctx, input }) => createRun({ name: input.name, spec: input.spec, userId: ctx.user.id })),

  cancel: operatorProcedure.input(byIdInput).mutation(({ ctx, input }) => cancelRun(input.id, ctx.user.id)),
});
