import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { pickBaseline } from "~/core/compare";
import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { ReportFormat } from "~/server/db/generated/enums";
import { enqueueReport } from "~/server/queue/report-queue";
import { COMPARABLE_STATUS } from "~/server/reports/comparison";

const idSchema = z.string().min(1).max(64);

/** Everything a list shows; never the bytes. */
const reportSelect = {
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

export const reportsRouter = createTRPCRouter({
  /** Newest first; with runIds, only reports of exactly that set of runs (the compare page's). */
  list: protectedProcedure
    .input(
      z.object({
        runIds: z.array(idSchema).min(1).max(MAX_COMPARE_RUNS).optional(),
        limit: z.number().int().min(1).max(100).default(25),
        cursor: idSchema.nullish(),
      }),
    )
    .query(async ({ input }) => {
      const wanted = input.runIds ? new Set(input.runIds) : null;
      const rows = await db.report.findMany({
        where: input.runIds ? { runIds: { hasEvery: input.runIds } } : {},
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
        select: reportSelect,
      });
      const hasMore = rows.length > input.limit;
      const page = hasMore ? rows.slice(0, input.limit) : rows;
      const items = wanted ? page.filter((r) => r.runIds.length === wanted.size && r.runIds.every((id) => wanted.has(id))) : page;
      // A report waits while a local benchmark runs: printing would steal its CPU.
      const waiting = items.some((r) => r.status === "QUEUED")
        ? (await db.benchmarkRun.count({ where: { status: "RUNNING", backend: "LOCAL" } })) > 0
        : false;
      return {
        items: items.map(({ createdBy, ...r }) => ({ ...r, createdBy: createdBy?.name ?? createdBy?.email ?? null })),
        nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null,
        waitingForBenchmark: waiting,
      };
    }),

  /**
   * Queues one report per format for 1-8 succeeded runs. Admin only: printing a PDF runs Chromium
   * on the benchmark machine, so it is a privileged action like starting a run. Any logged-in
   * user can list and download reports.
   */
  generate: adminProcedure
    .input(
      z.object({
        runIds: z
          .array(idSchema)
          .min(1)
          .max(MAX_COMPARE_RUNS)
          .refine((ids) => new Set(ids).size === ids.length, "A run can appear only once"),
        baselineId: idSchema.nullish(),
        formats: z.array(z.enum(ReportFormat)).min(1).max(2),
        title: z.string().trim().min(1).max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const runs = await db.benchmarkRun.findMany({
        where: { id: { in: input.runIds } },
        select: { id: true, name: true, mesh: true, status: true, _count: { select: { results: true } } },
      });
      const byId = new Map(runs.map((r) => [r.id, r]));
      const ordered = input.runIds.map((id) => {
        const run = byId.get(id);
        if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `No run with id ${id}.` });
        if (run.status !== COMPARABLE_STATUS || run._count.results === 0) {
          throw new TRPCError({
            code: "CONFLICT",
            message: `“${run.name}” has not succeeded: only succeeded runs go into a report.`,
          });
        }
        return run;
      });
      if (input.baselineId && !byId.has(input.baselineId)) {
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
              data: { runIds: input.runIds, baselineRunId, format, title, createdById: ctx.user.id },
              select: { id: true, format: true },
            }),
          );
        }
        await recordAudit(
          {
            userId: ctx.user.id,
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
        try {
          await enqueueReport(r.id);
        } catch (error) {
          enqueued = false;
          console.warn(`report ${r.id} stored but not enqueued (the reconciler will retry): ${(error as Error).message}`);
        }
      }
      return { reports, enqueued };
    }),

  delete: adminProcedure.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => {
    const report = await db.report.findUnique({ where: { id: input.id }, select: { id: true, status: true } });
    if (!report) throw new TRPCError({ code: "NOT_FOUND", message: "No such report." });
    if (report.status === "RUNNING")
      throw new TRPCError({ code: "CONFLICT", message: "The report is being generated right now." });
    await db.report.delete({ where: { id: input.id } });
    await recordAudit({ userId: ctx.user.id, action: "report.delete", target: input.id });
    return { id: input.id };
  }),
});
