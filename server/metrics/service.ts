import { TRPCError } from "@trpc/server";
import { findRunWindow } from "~/server/runs/store";
import { MetricsUnavailableError } from "./prometheus";
import { runMetrics } from "./run-metrics";

/** Every catalog chart for one run, from its stored snapshot or live from Prometheus. */
export async function metricsOfRun(runId: string) {
  const run = await findRunWindow(runId);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  try {
    return await runMetrics(run);
  } catch (error) {
    if (error instanceof MetricsUnavailableError) {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: `Metrics unavailable: ${error.message}`, cause: error });
    }
    throw error;
  }
}
