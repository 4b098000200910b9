import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { PROBE_NAMES } from "~/core/probes";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { enqueueProbeJob } from "~/server/queue/probe-queue";
import { probeOverhead } from "~/server/runs/probe-overhead";

const idSchema = z.string().min(1).max(64);

const resultSelect = {
  id: true,
  iteration: true,
  probe: true,
  node: true,
  available: true,
  reason: true,
  data: true,
  summary: true,
  startedAt: true,
  finishedAt: true,
} as const;

export const probesRouter = createTRPCRouter({
  /** Probe results of a benchmark run, per probe and repetition. */
  forRun: protectedProcedure.input(z.object({ runId: idSchema })).query(({ input }) =>
    db.probeResult.findMany({
      where: { runId: input.runId },
      orderBy: [{ probe: "asc" }, { iteration: "asc" }],
      select: resultSelect,
    }),
  ),

  /** This run against the same spec without probes: what probing cost in latency and CPU. */
  overhead: protectedProcedure.input(z.object({ runId: idSchema })).query(({ input }) => probeOverhead(input.runId)),

  listJobs: protectedProcedure.query(() =>
    db.probeJob.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 50,
      include: { createdBy: { select: { email: true } } },
    }),
  ),

  getJob: protectedProcedure.input(z.object({ id: idSchema })).query(async ({ input }) => {
    const job = await db.probeJob.findUnique({
      where: { id: input.id },
      include: { results: { select: resultSelect }, createdBy: { select: { email: true } } },
    });
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: "No such probe job." });
    return job;
  }),

  /** Runs one probe on its own on the worker's machine for N seconds. */
  createJob: adminProcedure
    .input(z.object({ probe: z.enum(PROBE_NAMES), durationSeconds: z.number().int().min(1).max(600) }))
    .mutation(async ({ ctx, input }) => {
      const job = await db.probeJob.create({ data: { ...input, createdById: ctx.user.id } });
      await recordAudit({ userId: ctx.user.id, action: "probe.create", target: job.id, detail: { probe: input.probe } });
      let enqueued = true;
      try {
        await enqueueProbeJob(job.id);
      } catch {
        // Stored; the worker's reconciler enqueues it once Redis is back.
        enqueued = false;
      }
      return { id: job.id, enqueued };
    }),

  cancelJob: adminProcedure.input(z.object({ id: idSchema })).mutation(async ({ ctx, input }) => {
    const now = new Date();
    const queued = await db.probeJob.updateMany({
      where: { id: input.id, status: "QUEUED" },
      data: { status: "CANCELLED", finishedAt: now, cancelRequestedAt: now, error: "Cancelled before it started" },
    });
    const running = queued.count
      ? queued
      : await db.probeJob.updateMany({ where: { id: input.id, status: "RUNNING" }, data: { cancelRequestedAt: now } });
    if (running.count === 0) throw new TRPCError({ code: "CONFLICT", message: "This probe job is not queued or running." });
    await recordAudit({ userId: ctx.user.id, action: "probe.cancel", target: input.id });
    return { id: input.id };
  }),
});
