import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { pickBaseline } from "~/core/compare";
import { pageOf, rowsToRead } from "~/server/api/paging";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { enqueueReport } from "~/server/queue/report-queue";
import { enqueueOrLeaveToReconciler } from "~/server/queue/row-queue";
import { findRunsWithResultCount, isComparableStatus, isLocalBenchmarkRunning } from "~/server/runs/store";
import type { generateReportsInput, listReportsInput } from "./schemas";

/** Everything a list shows; never the bytes. */
const REPORT_LIST_SELECT = {
  id: true,
  title: true,
  format: true,
  status: true,
  progress: true,
  error: true,
  runIds: true,
  baselineRunId: true,
  sizeBytes: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  createdBy: { select: { email: true, name: true } },
} as const;

function defaultTitle(names: string[]): string {
  const title = names.length === 1 ? `Run report: ${names[0]}` : `Comparison: ${names.join(" vs ")}`;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

/** Newest first; with runIds, only reports of exactly that set of runs. */
export async function listReports(input: z.output<typeof listReportsInput>) {
  const rows = await db.report.findMany({
    where: input.runIds ? { runIds: { hasEvery: input.runIds } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: rowsToRead(input.limit),
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: REPORT_LIST_SELECT,
  });
  // The next page starts after the last row read, whether or not the run filter below keeps it.
  const page = pageOf(rows, input.limit, (r) => r.id);
  const wanted = input.runIds ? new Set(input.runIds) : null;
  const items = wanted
    ? page.items.filter((r) => r.runIds.length === wanted.size && r.runIds.every((id) => wanted.has(id)))
    : page.items;
  // A report waits while a local benchmark runs: printing would steal its CPU.
  const waiting = items.some((r) => r.status === "QUEUED") ? await isLocalBenchmarkRunning() : false;
  return {
    items: items.map(({ createdBy, ...r }) => ({ ...r, createdBy: createdBy?.name ?? createdBy?.email ?? null })),
    nextCursor: page.nextCursor,
    waitingForBenchmark: waiting,
  };
}

/** The runs in the order asked for; every one must exist and be comparable with results stored. */
async function reportableRuns(runIds: readonly string[]) {
  const byId = new Map((await findRunsWithResultCount(runIds)).map((r) => [r.id, r]));
  return runIds.map((id) => {
    const run = byId.get(id);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `No run with id ${id}.` });
    if (!isComparableStatus(run.status) || run.resultCount === 0) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `“${run.name}” has not succeeded: only succeeded runs go into a report.`,
      });
    }
    return run;
  });
}

/**
 * Queues one report per format for 1-8 succeeded runs. Admin only: printing a PDF runs Chromium
 * on the benchmark machine, so it is a privileged action like starting a run. Any logged-in
 * user can list and download reports.
 */
export async function generateReports(input: z.output<typeof generateReportsInput>, userId: string) {
  const ordered = await reportableRuns(input.runIds);
  if (input.baselineId && !input.runIds.includes(input.baselineId)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The baseline must be one of the compared runs." });
  }
  const baselineRunId = pickBaseline(ordered, input.baselineId);
  const title = input.title ?? defaultTitle(ordered.map((r) => r.name));
  const formats = [...new Set(input.formats)];
  const reports = await db.$transaction(async (tx) => {
    const created = [];
    for (const format of formats) {
      created.push(
        await tx.report.create({
          data: { runIds: input.runIds, baselineRunId, format, title, createdById: userId },
          select: { id: true, format: true },
        }),
      );
    }
    await recordAudit(
      {
        userId,
        action: "report.generate",
        target: created.map((r) => r.id).join(","),
        detail: { runIds: input.runIds, formats },
      },
      tx,
    );
    return created;
  });
  let enqueued = true;
  for (const r of reports) {
    if (!(await enqueueOrLeaveToReconciler("report", r.id, enqueueReport))) enqueued = false;
  }
  return { reports, enqueued };
}

/** A report being rendered right now cannot be deleted from under the worker. */
export async function deleteReport(id: string, userId: string) {
  const report = await db.report.findUnique({ where: { id }, select: { id: true, status: true } });
  if (!report) throw new TRPCError({ code: "NOT_FOUND", message: "No such report." });
  if (report.status === "RUNNING") throw new TRPCError({ code: "CONFLICT", message: "The report is being generated right now." });
  await db.report.delete({ where: { id } });
  await recordAudit({ userId, action: "report.delete", target: id });
  return { id };
}
