import { db } from "~/server/db/client";
import { ComparisonError, loadComparison } from "~/server/reports/comparison";
import { isLocalBenchmarkRunning } from "~/server/runs/store";
import { captureEnvironment, type ReportEnvironment } from "~/worker/reports/environment";
import { renderReportHtml } from "~/worker/reports/html";
import { printPdf } from "~/worker/reports/pdf";
import { workerLog } from "../log";
import { type RowJobContext, type RowJobOutcome, runRowJob } from "./row-job";

/** Lost and stale reports are settled by the one reconciler of all row-job tables. */
export { reconcileReports } from "./reconcile";

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
  heartbeatMs?: number;
}

/** CANCELLED only when something sets the row's cancelRequestedAt; the UI does not (yet). */
export type ReportOutcome = RowJobOutcome;

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
    if (!(await isLocalBenchmarkRunning())) return;
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
  }
}

/**
 * Renders one report from QUEUED to SUCCEEDED (bytes stored in the row) or FAILED (reason stored);
 * claim, heartbeat and finish are runRowJob's. It waits for the machine to be idle before the
 * claim, so a report waiting behind a benchmark still reads as queued. A report deleted while
 * rendering is SKIPPED.
 */
export async function processReport(reportId: string, deps: ReportJobDeps = {}): Promise<ReportOutcome> {
  const logger = workerLog.child({ job: "report", jobId: reportId }, `[report ${reportId}] `);
  const log = deps.log ?? ((m: string) => logger.info(m));
  const exists = await db.report.findUnique({ where: { id: reportId }, select: { status: true } });
  if (exists?.status !== "QUEUED") {
    log("not queued any more: skipped");
    return "SKIPPED";
  }
  await (deps.waitForIdle ?? waitForNoLocalBenchmark)(deps.signal);

  let stored: ReportTimings | undefined;
  const outcome = await runRowJob(
    "Report",
    reportId,
    {
      log,
      shutdownSignal: deps.signal,
      heartbeatMs: deps.heartbeatMs,
      initialProgress: 5,
      initialPhase: "loading the runs",
      cancelledError: "Cancelled by an admin",
      interruptedError: "Interrupted: the worker shut down while generating the report",
      describeError: (error) =>
        error instanceof ComparisonError
          ? error.message
          : `Report generation failed: ${error instanceof Error ? error.message : String(error)}`,
    },
    async (ctx) => {
      stored = await renderAndStore(reportId, ctx, deps);
      // The document is stored: a shutdown arriving after that changes nothing.
      return { status: "SUCCEEDED", error: null };
    },
  );
  if (outcome === "SUCCEEDED" && stored) deps.onTimings?.(stored);
  return outcome;
}

async function renderAndStore(reportId: string, ctx: RowJobContext, deps: ReportJobDeps): Promise<ReportTimings> {
  const report = await db.report.findUniqueOrThrow({
    where: { id: reportId },
    include: { createdBy: { select: { email: true, name: true } } },
  });
  const comparison = await loadComparison(report.runIds, report.baselineRunId);
  ctx.setProgress(35);
  ctx.setPhase("capturing the environment");
  const environment = await (deps.environment ?? captureEnvironment)().catch(() => null);
  ctx.signal.throwIfAborted();
  ctx.setProgress(45);
  ctx.setPhase("rendering HTML");

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
    ctx.setProgress(60);
    ctx.setPhase("printing the PDF");
    const printStarted = performance.now();
    bytes = await (deps.printPdf ?? printPdf)(html, { signal: ctx.signal });
    pdfMs = performance.now() - printStarted;
  }
  ctx.signal.throwIfAborted();
  // Only onto a row still being rendered: one deleted meanwhile stays deleted (and the finish
  // then skips it).
  await db.report.updateMany({
    where: { id: reportId, status: "RUNNING" },
    data: { bytes: new Uint8Array(bytes), sizeBytes: bytes.length },
  });
  ctx.log(
    `${report.format} ready: ${bytes.length} bytes; HTML rendered in ${htmlMs.toFixed(0)} ms` +
      (pdfMs === null ? "" : `, PDF printed in ${pdfMs.toFixed(0)} ms`),
  );
  return { htmlMs, pdfMs, bytes: bytes.length };
}
