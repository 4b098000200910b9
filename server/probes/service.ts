import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import { enqueueProbeJob } from "~/server/queue/probe-queue";
import { enqueueOrLeaveToReconciler } from "~/server/queue/row-queue";
import { PROBE_RESULT_SELECT } from "~/server/runs/store";
import type { createProbeJobInput } from "./schemas";

/** How many probe jobs the list shows: the newest. */
const PROBE_JOBS_LISTED = 50;

export function listProbeJobs() {
  return db.probeJob.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PROBE_JOBS_LISTED,
    include: { createdBy: { select: { email: true } } },
  });
}

export async function getProbeJob(id: string) {
  const job = await db.probeJob.findUnique({
    where: { id },
    include: { results: { select: PROBE_RESULT_SELECT }, createdBy: { select: { email: true } } },
  });
  if (!job) throw new TRPCError({ code: "NOT_FOUND", message: "No such probe job." });
  return job;
}

/** Stores the job, then enqueues it; without Redis it waits for the worker's reconciler. */
export async function createProbeJob(input: z.output<typeof createProbeJobInput>, userId: string) {
  const job = await db.probeJob.create({ data: { ...input, createdById: userId } });
  await recordAudit({ userId, action: "probe.create", target: job.id, detail: { probe: input.probe } });
  const enqueued = await enqueueOrLeaveToReconciler("probe job", job.id, enqueueProbeJob);
  return { id: job.id, enqueued };
}

/**
 * A queued job is cancelled at once; a running one is flagged and the worker stops it and marks
 * it cancelled itself. Anything else has already ended.
 */
export async function cancelProbeJob(id: string, userId: string) {
  const now = new Date();
  const queued = await db.probeJob.updateMany({
    where: { id, status: "QUEUED" },
    data: { status: "CANCELLED", finishedAt: now, cancelRequestedAt: now, error: "Cancelled before it started" },
  });
  const running = queued.count
    ? queued
    : await db.probeJob.updateMany({ where: { id, status: "RUNNING" }, data: { cancelRequestedAt: now } });
  if (running.count === 0) throw new TRPCError({ code: "CONFLICT", message: "This probe job is not queued or running." });
  await recordAudit({ userId, action: "probe.cancel", target: id });
  return { id };
}
