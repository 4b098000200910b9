import { Worker } from "bullmq";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { createRedis } from "~/server/queue/redis";
import { enqueueReport, REPORT_QUEUE_NAME, type ReportJobData, reportQueue } from "~/server/queue/report-queue";
import { ComparisonError, loadComparison } from "~/server/reports/comparison";
import { captureEnvironment, type ReportEnvironment } from "~/worker/reports/environment";
import { renderReportHtml } from "~/worker/reports/html";
import { printPdf } from "~/worker/reports/pdf";

export interface ReportJobDeps {
  /** Aborted when the worker shuts down. */
  signal?: AbortSignal;
  printPdf?: (html: string, options: { signal?: AbortSignal }) => Promise<Buffer>;
  environment?: () => Promise<ReportEnvironment | null>;
  /**
   * Resolves when no local benchmark is running: Chromium and the report's statistics would take
   * CPU from the benchmark and corrupt its measurement (the runs share this machine's cores).
   */
  waitForIdle?: (signal?: AbortSignal) => Promise<void>;
  log?: (message: string) => void;
  /** Called once a report is stored, with how long rendering and printing took. */
  onTimings?: (timings: ReportTimings) => void;
}

export type ReportOutcome = "SUCCEEDED" | "FAILED" | "SKIPPED";

export interface ReportTimings {
  htmlMs: number;
  pdfMs: number | null;
  bytes: number;
}

const IDLE_POLL_MS = 1_000;

/** Waits while a local benchmark is RUNNING (polling PostgreSQL, the source of truth). */
export async function waitForNoLocalBenchmark(signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    const running = await db.benchmarkRun.count({ where: { status: "RUNNING", backend: "LOCAL" } });
    if (running === 0) return;
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
  }
}

/**
 * Renders one report from QUEUED to SUCCEEDED (bytes stored in the row) or FAILED (reason stored).
 * The claim is a conditional update, so a report handled twice (re-enqueued, two workers) is
 * rendered once.
 */
export async function processReport(reportId: string, deps: ReportJobDeps = {}): Promise<ReportOutcome> {
  const log = deps.log ?? ((m: string) => console.log(`[report ${reportId}] ${m}`));
  const exists = await db.report.findUnique({ where: { id: reportId }, select: { status: true } });
  if (exists?.status !== "QUEUED") {
    log("not queued any more: skipped");
    return "SKIPPED";
  }
  await (deps.waitForIdle ?? waitForNoLocalBenchmark)(deps.signal);

  const claimed = await db.report.updateMany({
    where: { id: reportId, status: "QUEUED" },
    data: { status: "RUNNING", startedAt: new Date(), progress: 5 },
  });
  if (claimed.count === 0) {
    log("taken or deleted meanwhile: skipped");
    return "SKIPPED";
  }
  const progress = (percent: number) =>
    db.report.update({ where: { id: reportId }, data: { progress: percent } }).catch((e: unknown) => {
      log(`progress update failed: ${(e as Error).message}`);
    });

  try {
    const report = await db.report.findUniqueOrThrow({
      where: { id: reportId },
      include: { createdBy: { select: { email: true, name: true } } },
    });
    const comparison = await loadComparison(report.runIds, report.baselineRunId);
    await progress(35);
    const environment = await (deps.environment ?? captureEnvironment)().catch(() => null);
    deps.signal?.throwIfAborted();
    await progress(45);

    const started = performance.now();
    const html = renderReportHtml({
      title: report.title,
      generatedAt: new Date(),
      generatedBy: report.createdBy?.name ?? report.createdBy?.email ?? null,
      comparison,
      environment,
      reportId,
    });
    const htmlMs = performance.now() - started;
    let bytes: Buffer = Buffer.from(html, "utf8");
    let pdfMs: number | null = null;
    if (report.format === "PDF") {
      await progress(60);
      const printStarted = performance.now();
      bytes = await (deps.printPdf ?? printPdf)(html, { signal: deps.signal });
      pdfMs = performance.now() - printStarted;
    }
    deps.signal?.throwIfAborted();
    const done = await db.report.updateMany({
      where: { id: reportId, status: "RUNNING" },
      data: {
        status: "SUCCEEDED",
        progress: 100,
        bytes: new Uint8Array(bytes),
        sizeBytes: bytes.length,
        finishedAt: new Date(),
        error: null,
      },
    });
    if (done.count === 0) return "SKIPPED"; // deleted while rendering
    deps.onTimings?.({ htmlMs, pdfMs, bytes: bytes.length });
    log(
      `${report.format} ready: ${bytes.length} bytes; HTML rendered in ${htmlMs.toFixed(0)} ms` +
        (pdfMs === null ? "" : `, PDF printed in ${pdfMs.toFixed(0)} ms`),
    );
    return "SUCCEEDED";
  } catch (error) {
    const message =
      error instanceof ComparisonError
        ? error.message
        : deps.signal?.aborted
          ? "Interrupted: the worker shut down while generating the report"
          : `Report generation failed: ${error instanceof Error ? error.message : String(error)}`;
    log(message);
    await db.report.updateMany({
      where: { id: reportId, status: "RUNNING" },
      data: { status: "FAILED", error: message, finishedAt: new Date() },
    });
    return "FAILED";
  }
}

/** A RUNNING report older than this belongs to a worker that died (rendering takes seconds). */
export const REPORT_STALE_MS = 10 * 60_000;

/**
 * PostgreSQL is the source of truth: re-enqueue QUEUED reports whose job is missing and fail
 * RUNNING ones whose worker died. For the worker's reconcile timer, next to reconcileRuns().
 */
export async function reconcileReports(): Promise<{ reenqueued: string[]; failedStale: string[] }> {
  const out = { reenqueued: [] as string[], failedStale: [] as string[] };
  const queued = await db.report.findMany({ where: { status: "QUEUED" }, select: { id: true }, take: 1000 });
  for (const { id } of queued) {
    const job = await reportQueue().getJob(id);
    const state = job ? await job.getState() : "missing";
    if (["waiting", "active", "delayed", "prioritized", "waiting-children"].includes(state)) continue;
    if (job) await job.remove().catch(() => undefined);
    await enqueueReport(id);
    out.reenqueued.push(id);
  }
  const staleBefore = new Date(Date.now() - REPORT_STALE_MS);
  const stale = await db.report.updateManyAndReturn({
    where: { status: "RUNNING", startedAt: { lt: staleBefore } },
    data: { status: "FAILED", finishedAt: new Date(), error: "The worker generating this report stopped" },
    select: { id: true },
  });
  out.failedStale.push(...stale.map((r) => r.id));
  return out;
}

/**
 * The BullMQ consumer of the report queue, for worker/index.ts: one report at a time (PDF printing
 * runs a browser). Close it on shutdown.
 */
export function startReportWorker(options: { shutdownSignal: AbortSignal; log?: (m: string) => void }): Worker<ReportJobData> {
  const worker = new Worker<ReportJobData>(
    REPORT_QUEUE_NAME,
    async (job) => {
      const outcome = await processReport(job.data.reportId, { signal: options.shutdownSignal, log: options.log });
      await job.updateProgress(100).catch(() => undefined);
      return outcome;
    },
    {
      connection: createRedis({ blocking: true }),
      prefix: env.QUEUE_PREFIX,
      concurrency: 1,
      maxStalledCount: 0,
    },
  );
  worker.on("error", (error) => console.error(`report worker: ${error.message}`));
  return worker;
}
