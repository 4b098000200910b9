import { db } from "~/server/db/client";
import { migrate } from "~/server/db/migrate";
import { env } from "~/server/env";
import { PROBE_QUEUE_NAME, type ProbeJobData } from "~/server/queue/probe-queue";
import { REPORT_QUEUE_NAME, type ReportJobData } from "~/server/queue/report-queue";
import { type BenchmarkJobData, RUN_QUEUE_NAME } from "~/server/queue/run-queue";
import { createBackend } from "./backends";
import { reapOrphans } from "./backends/local/orphans";
import { processBenchmark } from "./jobs/benchmark";
import { sweepLeftoverNamespaces } from "./jobs/cluster-janitor";
import { processProbeJob } from "./jobs/probe-job";
import { type ReconcileReport, reconcileRowJobs } from "./jobs/reconcile";
import { processReport } from "./jobs/report";
import { startRowWorker } from "./jobs/row-worker";
import { snapshotAfterRun } from "./jobs/snapshot-metrics";
import { liveMetricsFor } from "./live-metrics";
import { activeRuns, runsFinished, startMetricsServer } from "./metrics";

async function main(): Promise<void> {
  await migrate(env.DATABASE_URL);
  const reaped = await reapOrphans();
  if (reaped > 0) console.log(`worker: stopped ${reaped} process(es) left behind by a previous worker`);

  const shutdown = new AbortController();
  const runWorker = startRowWorker<BenchmarkJobData>(
    RUN_QUEUE_NAME,
    async (job) => {
      activeRuns.inc();
      try {
        const sinks: ReturnType<typeof liveMetricsFor>[] = [];
        const outcome = await processBenchmark(job.data.runId, {
          createBackend,
          shutdownSignal: shutdown.signal,
          onProgress: (percent) => job.updateProgress(Math.round(percent)),
          liveMetrics: (runId, profile) => {
            const sink = liveMetricsFor(runId, profile);
            sinks.push(sink);
            return sink;
          },
        });
        for (const sink of sinks) sink.forgetLater();
        if (outcome !== "SKIPPED") {
          runsFinished.inc({ status: outcome });
          await snapshotAfterRun(job.data.runId, shutdown.signal);
        }
        return outcome;
      } finally {
        activeRuns.dec();
      }
    },
    // Benchmarks share this machine's cores: running two at once would corrupt both.
    { concurrency: env.WORKER_CONCURRENCY, label: "run" },
  );
  const probeWorker = startRowWorker<ProbeJobData>(
    PROBE_QUEUE_NAME,
    (job) => processProbeJob(job.data.probeJobId, { shutdownSignal: shutdown.signal }),
    { concurrency: 1, label: "probe" },
  );
  // Reports (HTML, PDF through Chromium): one at a time, and only while no local benchmark runs.
  const reportWorker = startRowWorker<ReportJobData>(
    REPORT_QUEUE_NAME,
    (job) => processReport(job.data.reportId, { signal: shutdown.signal }),
    { concurrency: 1, label: "report" },
  );

  const janitor = () =>
    sweepLeftoverNamespaces((m) => console.log(`worker: ${m}`)).catch((error: unknown) =>
      console.warn(`worker: janitor could not list the cluster's namespaces: ${(error as Error).message}`),
    );
  const reconcile = async (startUp = false) => {
    try {
      const r = await reconcileRowJobs();
      logReconciled("run", r.runs);
      logReconciled("probe job", r.probeJobs);
      logReconciled("report", r.reports);
      // Not awaited: a slow or unreachable cluster must not hold up the local runs.
      if (startUp || r.runs.failedStale.length > 0) void janitor();
    } catch (error) {
      console.warn(`worker: reconcile failed: ${(error as Error).message}`);
    }
  };
  await reconcile(true);
  const reconcileTimer = setInterval(() => void reconcile(), env.WORKER_RECONCILE_SECONDS * 1000);
  const metricsServer = startMetricsServer(env.WORKER_METRICS_PORT);
  console.log(`worker: ready (queue ${env.QUEUE_PREFIX}:${RUN_QUEUE_NAME}, concurrency ${env.WORKER_CONCURRENCY})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`worker: ${signal} received, stopping the active run and shutting down`);
    clearInterval(reconcileTimer);
    shutdown.abort();
    await Promise.all([runWorker.close(), probeWorker.close(), reportWorker.close()]);
    metricsServer?.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

function logReconciled(what: string, r: ReconcileReport): void {
  if (r.reenqueued.length + r.failedStale.length === 0) return;
  console.log(`worker: re-enqueued ${r.reenqueued.length}, failed ${r.failedStale.length} stale ${what}(s)`);
}

main().catch((error: unknown) => {
  console.error(`worker: failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
