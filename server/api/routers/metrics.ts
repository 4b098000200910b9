import { byRunIdInput } from "~/server/api/schemas";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { metricsOfRun } from "~/server/metrics/service";

export const metricsRouter = createTRPCRouter({
  /** Every catalog chart for one run, from its stored snapshot or live from Prometheus. */
  run: protectedProcedure.input(byRunIdInput).query(({ input }) => metricsOfRun(input.runId)),
});
