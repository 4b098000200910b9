import { byIdInput } from "~/server/api/schemas";
import { adminProcedure, createTRPCRouter, operatorProcedure, protectedProcedure } from "~/server/api/trpc";
import { generateReportsInput, listReportsInput } from "~/server/reports/schemas";
import { deleteReport, generateReports, listReports } from "~/server/reports/service";

export const reportsRouter = createTRPCRouter({
  /** Newest first; with runIds, only reports of exactly that set of runs (the compare page's). */
  list: protectedProcedure.input(listReportsInput).query(({ input }) => listReports(input)),

  /** Queues one report per format for 1-8 succeeded runs; operators and admins (a PDF runs Chromium on the benchmark machine). */
  generate: operatorProcedure.input(generateReportsInput).mutation(({ ctx, input }) => generateReports(input, ctx.user.id)),

  delete: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => deleteReport(input.id, ctx.user.id)),
});
