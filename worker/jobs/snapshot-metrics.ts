import { setTimeout as sleep } from "node:timers/promises";
import { snapshotRunMetrics } from "~/server/metrics/run-metrics";
import { findRunHeader } from "~/server/runs/store";
import { runLog } from "../log";

/** Prometheus scrapes the worker every second: wait for the run's last samples to be stored. */
const FINAL_SCRAPE_WAIT_MS = 2_500;

/**
 * Copies the run's series from Prometheus into PostgreSQL so its charts outlive Prometheus.
 * Best effort: without Prometheus the run keeps its results, only the time series are missing.
 */
export async function snapshotAfterRun(runId: string, shutdown: AbortSignal): Promise<void> {
  try {
    // A cluster run's series are the cluster's cAdvisor, scraped every 30 s or so: a snapshot now
    // would cut off the last of them for good. Its charts read the cluster's Prometheus instead.
    const run = await findRunHeader(runId);
    if (run?.backend !== "LOCAL") return;
    await sleep(FINAL_SCRAPE_WAIT_MS, undefined, { signal: shutdown });
    const metrics = await snapshotRunMetrics(runId);
    const points = metrics
      ? Object.values(metrics.charts).reduce((n, c) => n + c.series.reduce((m, s) => m + s.points.length, 0), 0)
      : 0;
    runLog(runId).info(`metrics snapshot stored (${points} points)`);
  } catch (error) {
    if (shutdown.aborted) return;
    runLog(runId).warn(`no metrics snapshot: ${(error as Error).message}`);
  }
}
