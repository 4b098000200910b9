import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { db } from "~/server/db/client";
import { MetricsUnavailableError } from "~/server/metrics/prometheus";
import { RUN_WINDOW_SELECT, runMetrics } from "~/server/metrics/run-metrics";

export const metricsRouter = createTRPCRouter({
  /** Every catalog chart for one run, from its stored snapshot or live from Prometheus. */
  run: protectedProcedure.input(z.object({ runId: z.string().min(1).max(64) })).query(async ({ input }) => {
    const run = await db.benchmarkRun.findUnique({
      where: { id: input.runId },
      select: { ...RUN_WINDOW_SELECT, status: true },
    });
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
    try {
      return await runMetrics(run);
    } catch (error) {
      if (error instanceof MetricsUnavailableError) {
        throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: `Metrics unavailable: ${error.message}`, cause: error });
      }
      throw error;
    }
  }),
});
