import { createTRPCRouter, operatorProcedure } from "~/server/api/trpc";
import { importRunInput } from "~/server/imports/schemas";
import { importRun } from "~/server/imports/service";

export const importsRouter = createTRPCRouter({
  /** Upload another tool's result file (fortio, .hlog, SMP, k6): it becomes a run marked as imported. */
  create: operatorProcedure
    .input(importRunInput)
    .mutation(({ ctx, input }) => importRun(input, { id: ctx.user.id, label: ctx.user.name ?? ctx.user.email ?? null })),
});
