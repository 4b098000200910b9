import { Worker } from "bullmq";
import { db } from "~/server/db/client";
import { migrate } from "~/server/db/migrate";
import { env } from "~/server/env";
import { PROBE_QUEUE_NAME, type ProbeJobData } from "~/server/queue/probe-queue";
import { createRedis } from "~/server/queue/redis";
import { type BenchmarkJobData, RUN_QUEUE_NAME } from "~/server/queue/run-queue";
import { createBackend } from "./backends";
import { reapOrphans } from "./backends/local/orphans";
import { processBenchmark } from "./jobs/benchmark";
import { sweepLeftoverNamespaces } from "./jobs/cluster-janitor";
import { processProbeJob } from "./jobs/probe-job";
import { reconcileRuns } from "./jobs/reconcile";
import { reconcileReports, startReportWorker } from "./jobs/report";
import { snapshotAfterRun } from "./jobs/snapshot-metrics";
import { liveMetricsFor } from "./live-metrics";
import { activeRuns, runsFinished, startMetricsServer } from "./metrics";

async function main(): Promise<void> {
  await migrate(env.DATABASE_URL);
  const reaped = await reapOrphans();
  if (reaped > 0) console.log(`worker: stopped ${reaped} process(es) left behind by a previous worker`);

  const shutdown = new AbortController();
  const worker = new Worker<BenchmarkJobData>(
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
    {
      connection: createRedis({ blocking: true }),
      prefix: env.QUEUE_PREFIX,
      // Benchmarks share this machine's cores: running two at once would corrupt both.
      concurrency: env.WORKER_CONCURRENCY,
      // A job that loses its lock is not retried blindly; the reconciler settles its run.
      maxStalledCount: 0,
    },
  );
  worker.on("error", (error) => console.error(`worker: ${error.message}`));

  const probeWorker = new Worker<ProbeJobData>(
    PROBE_QUEUE_NAME,
    (job) => processProbeJob(job.data.probeJobId, { shutdownSignal: shutdown.signal }),
    { connection: createRedis({ blocking: true }), prefix: env.QUEUE_PREFIX, concurrency: 1, maxStalledCount: 0 },
  );
  probeWorker.on("error", (error) => console.error(`probe worker: ${error.message}`));
  // Reports (HTML, PDF through Chromium): one at a time, and only while no local benchmark runs.
  const reportWorker = startReportWorker({ shutdownSignal: shutdown.signal });

  const janitor = () =>
    sweepLeftoverNamespaces((m) => console.log(`worker: ${m}`)).catch((error: unknown) =>
      console.warn(`worker: janitor could not list the cluster's namespaces: ${(error as Error).message}`),
    );
  const reconcile = async (startUp = false) => {
    try {
      const r = await reconcileRuns();
      if (r.reenqueued.length + r.failedStale.length > 0) {
        console.log(`worker: re-enqueued ${r.reenqueued.length}, failed ${r.failedStale.length} stale run(s)`);
      }
      // Not awaited: a slow or unreachable cluster must not hold up the local runs.
      if (startUp || r.failedStale.length > 0) void janitor();
      const reports = await reconcileReports();
      if (reports.reenqueued.length + reports.failedStale.length > 0) {
        console.log(`worker: re-enqueued ${reports.reenqueued.length}, failed ${reports.failedStale.length} stale report(s)`);
      }
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
    await Promise.all([worker.close(), probeWorker.close(), reportWorker.close()]);
    metricsServer?.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`worker: failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
