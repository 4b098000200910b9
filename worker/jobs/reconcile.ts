import type { Queue } from "bullmq";
import { db } from "~/server/db/client";
import { enqueueProbeJob, probeQueue } from "~/server/queue/probe-queue";
import { enqueueRun, runQueue } from "~/server/queue/run-queue";

/** A RUNNING run whose worker has been silent this long is taken as dead. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;
/** A standalone probe job still RUNNING this long after its planned end lost its worker. */
const PROBE_JOB_GRACE_MS = 60_000;

export interface ReconcileReport {
  reenqueued: string[];
  failedStale: string[];
}

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** Enqueues each id whose job is missing or finished; returns those it enqueued. */
async function ensureEnqueued<T>(queue: Queue<T>, ids: string[], enqueue: (id: string) => Promise<void>): Promise<string[]> {
  const enqueued: string[] = [];
  for (const id of ids) {
    const job = await queue.getJob(id);
    if (job && LIVE_STATES.has(await job.getState())) continue;
    // A finished job still holds the id; remove it so the add below is not ignored.
    if (job) await job.remove().catch(() => undefined);
    await enqueue(id);
    enqueued.push(id);
  }
  return enqueued;
}

/**
 * PostgreSQL is the source of truth, Redis only transport: re-enqueue QUEUED runs and probe jobs
 * whose job is missing (Redis flushed, enqueue failed) and fail RUNNING ones whose worker died.
 */
export async function reconcileRuns(): Promise<ReconcileReport> {
  const queuedRuns = await db.benchmarkRun.findMany({ where: { status: "QUEUED" }, select: { id: true }, take: 1000 });
  const queuedProbes = await db.probeJob.findMany({ where: { status: "QUEUED" }, select: { id: true }, take: 1000 });
  const reenqueued = [
    ...(await ensureEnqueued(
      runQueue(),
      queuedRuns.map((r) => r.id),
      enqueueRun,
    )),
    ...(await ensureEnqueued(
      probeQueue(),
      queuedProbes.map((r) => r.id),
      enqueueProbeJob,
    )),
  ];

  const failedStale: string[] = [];
  const staleBefore = new Date(Date.now() - HEARTBEAT_TIMEOUT_MS);
  const staleWhere = { status: "RUNNING" as const, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] };
  for (const { id } of await db.benchmarkRun.findMany({ where: staleWhere, select: { id: true } })) {
    const updated = await db.benchmarkRun.updateMany({
      where: { id, ...staleWhere },
      data: { status: "FAILED", finishedAt: new Date(), error: "The worker running this benchmark stopped responding" },
    });
    if (updated.count === 1) failedStale.push(id);
  }
  const runningProbes = await db.probeJob.findMany({
    where: { status: "RUNNING" },
    select: { id: true, startedAt: true, durationSeconds: true },
  });
  for (const job of runningProbes) {
    const deadline = (job.startedAt?.getTime() ?? 0) + job.durationSeconds * 1000 + PROBE_JOB_GRACE_MS;
    if (deadline > Date.now()) continue;
    const updated = await db.probeJob.updateMany({
      where: { id: job.id, status: "RUNNING" },
      data: { status: "FAILED", finishedAt: new Date(), error: "The worker running this probe stopped before it ended" },
    });
    if (updated.count === 1) failedStale.push(job.id);
  }
  return { reenqueued, failedStale };
}
