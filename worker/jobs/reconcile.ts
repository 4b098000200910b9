import { db } from "~/server/db/client";
import { enqueueRun, runQueue } from "~/server/queue/run-queue";

/** A RUNNING run whose worker has been silent this long is taken as dead. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface ReconcileReport {
  reenqueued: string[];
  failedStale: string[];
}

/**
 * PostgreSQL is the source of truth, Redis only transport: re-enqueue QUEUED runs whose job is
 * missing (Redis flushed, enqueue failed) and fail RUNNING runs whose worker died.
 */
export async function reconcileRuns(): Promise<ReconcileReport> {
  const report: ReconcileReport = { reenqueued: [], failedStale: [] };
  const queued = await db.benchmarkRun.findMany({ where: { status: "QUEUED" }, select: { id: true }, take: 1000 });
  for (const { id } of queued) {
    const job = await runQueue().getJob(id);
    const state = job ? await job.getState() : "missing";
    if (
      state === "waiting" ||
      state === "active" ||
      state === "delayed" ||
      state === "prioritized" ||
      state === "waiting-children"
    )
      continue;
    // A finished job still holds the id; remove it so the add below is not ignored.
    if (job) await job.remove().catch(() => undefined);
    await enqueueRun(id);
    report.reenqueued.push(id);
  }
  const staleBefore = new Date(Date.now() - HEARTBEAT_TIMEOUT_MS);
  const stale = await db.benchmarkRun.findMany({
    where: { status: "RUNNING", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
    select: { id: true },
  });
  for (const { id } of stale) {
    const updated = await db.benchmarkRun.updateMany({
      where: { id, status: "RUNNING", OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: staleBefore } }] },
      data: { status: "FAILED", finishedAt: new Date(), error: "The worker running this benchmark stopped responding" },
    });
    if (updated.count === 1) report.failedStale.push(id);
  }
  return report;
}
