import { DelayedError } from "bullmq";
import { db } from "~/server/db/client";
import { shortDatabaseError } from "~/server/db/errors";
import { env } from "~/server/env";
import { PROBE_QUEUE_NAME, type ProbeJobData } from "~/server/queue/probe-queue";
import { REPORT_QUEUE_NAME, type ReportJobData } from "~/server/queue/report-queue";
import { type BenchmarkJobData, RUN_QUEUE_NAME } from "~/server/queue/run-queue";
import { createBackend } from "./backends";
import { tryLockHost } from "./backends/local/host-lock";
import { workerDependencyChecks } from "./health";
import { processBenchmark } from "./jobs/benchmark";
import { sweepLeftoverNamespaces } from "./jobs/cluster-janitor";
import { processProbeJob } from "./jobs/probe-job";
import { type ReconcileReport, reconcileRowJobs } from "./jobs/reconcile";
import { recoverFromStoppedWorkers } from "./jobs/recover";
import { processReport } from "./jobs/report";
import { startRowWorker } from "./jobs/row-worker";
import { snapshotAfterRun } from "./jobs/snapshot-metrics";
import { closeLiveEvents, intervalPublisher } from "./live-events";
import { liveMetricsFor } from "./live-metrics";
import { runLog, workerLog } from "./log";
import { activeRuns, runsFinished, startMetricsServer } from "./metrics";

const log = (message: string) => workerLog.info(message);

/** How soon a local run another worker's benchmark kept waiting is offered again. */
const HOST_BUSY_RETRY_MS = 2_000;

const janitor = () =>
  sweepLeftoverNamespaces(log).catch((error: unknown) =>
    workerLog.warn(`janitor could not list the cluster's namespaces: ${(error as Error).message}`),
  );

let reconciling = false;
/** A database outage fails every pass alike: said once, and again when a pass gets through. */
let reconcileFailing = false;

/**
 * One pass: what stopped workers left (spooled results, held rows) first, then the reconciler,
 * so a run whose results were only on disk is never failed as lost. A pass still running (a
 * slow database) is not overtaken by the next: two replays of one file would race.
 */
async function reconcile(startUp = false): Promise<void> {
  if (reconciling) return;
  reconciling = true;
  try {
    if (!startUp) await recoverFromStoppedWorkers(log);
    const r = await reconcileRowJobs();
    logReconciled("run", r.runs);
    logReconciled("probe job", r.probeJobs);
    logReconciled("report", r.reports);
    // Not awaited: a slow or unreachable cluster must not hold up the local runs.
    if (startUp || r.runs.failedStale.length > 0) void janitor();
    if (reconcileFailing) log("reconcile: passes get through again");
    reconcileFailing = false;
  } catch (error) {
    if (!reconcileFailing) workerLog.warn(`reconcile failed (retried every pass): ${shortDatabaseError(error)}`);
    reconcileFailing = true;
  } finally {
    reconciling = false;
  }
}

/**
 * The worker once its start-up recovery is done (index.ts): a first reconcile pass, the queues'
 * consumers, the reconcile timer, the metrics endpoint, and the shutdown on SIGINT / SIGTERM.
 */
export async function serve(): Promise<void> {
  await reconcile(true);

  const shutdown = new AbortController();
  const runWorker = startRowWorker<BenchmarkJobData>(
    RUN_QUEUE_NAME,
    async (job) => {
      activeRuns.inc();
      try {
        const sinks: ReturnType<typeof liveMetricsFor>[] = [];
        const outcome = await processBenchmark(job.data.runId, {
          createBackend,
          lockHost: () => tryLockHost(),
          shutdownSignal: shutdown.signal,
          onProgress: (percent) => job.updateProgress(Math.round(percent)),
          liveMetrics: (runId, profile) => {
            const sink = liveMetricsFor(runId, profile);
            sinks.push(sink);
            const publishInterval = intervalPublisher(runId);
            return {
              ...sink,
              loadInterval: (sample) => {
                // Before the sink: the sample's histogram is valid only during this call.
                publishInterval(sample);
                sink.loadInterval(sample);
              },
            };
          },
        });
        if (outcome === "HOST_BUSY") {
          runLog(job.data.runId).info("another local benchmark holds this machine; left queued");
          // Another worker on this machine is benchmarking: the run stays QUEUED, its job waits a
          // little in BullMQ's delayed set, and this worker is free for cluster runs meanwhile.
          await job.moveToDelayed(Date.now() + HOST_BUSY_RETRY_MS, job.token);
          throw new DelayedError();
        }
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

  const reconcileTimer = setInterval(() => void reconcile(), env.WORKER_RECONCILE_SECONDS * 1000);
  const health = workerDependencyChecks({ runs: runWorker, probes: probeWorker, reports: reportWorker });
  const metricsServer = startMetricsServer(env.WORKER_METRICS_PORT, env.WORKER_METRICS_HOST, health.checks);
  log(`ready (queue ${env.QUEUE_PREFIX}:${RUN_QUEUE_NAME}, concurrency ${env.WORKER_CONCURRENCY})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping the active run and shutting down`);
    clearInterval(reconcileTimer);
    shutdown.abort();
    await Promise.all([runWorker.close(), probeWorker.close(), reportWorker.close()]);
    await closeLiveEvents();
    metricsServer?.close();
    health.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

function logReconciled(what: string, r: ReconcileReport): void {
  if (r.reenqueued.length + r.failedStale.length === 0) return;
  log(`re-enqueued ${r.reenqueued.length}, failed ${r.failedStale.length} stale ${what}(s)`);
}
