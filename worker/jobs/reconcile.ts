import type { Queue } from "bullmq";
import { db } from "~/server/db/client";
import { enqueueProbeJob, probeQueue } from "~/server/queue/probe-queue";
import { enqueueReport, reportQueue } from "~/server/queue/report-queue";
import { enqueueRun, runQueue } from "~/server/queue/run-queue";
import { publishRowEvent } from "../live-events";
import { msSinceDatabaseUnreachable } from "./database-outage";
import { type RowJobTable, rowJobTableSql } from "./row-job";

/** A RUNNING row whose worker has been silent this long is taken as dead (heartbeats are 1 s apart). */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface ReconcileReport {
  reenqueued: string[];
  failedStale: string[];
}

interface RowJobKind {
  table: RowJobTable;
  queue: () => Queue;
  enqueue: (id: string) => Promise<void>;
  /** A RUNNING row whose heartbeat is older than this lost its worker. */
  staleAfterMs: number;
  /** The error a row failed for a stale heartbeat is left with. */
  staleError: string;
}

/** Every table whose rows BullMQ jobs stand for, and how the reconciler treats each. */
const ROW_JOB_KINDS = {
  runs: {
    table: "BenchmarkRun",
    queue: runQueue,
    enqueue: enqueueRun,
    staleAfterMs: HEARTBEAT_TIMEOUT_MS,
    staleError: "The worker running this benchmark stopped responding",
  },
  probeJobs: {
    table: "ProbeJob",
    queue: probeQueue,
    enqueue: enqueueProbeJob,
    staleAfterMs: HEARTBEAT_TIMEOUT_MS,
    staleError: "The worker running this probe stopped before it ended",
  },
  reports: {
    table: "Report",
    queue: reportQueue,
    enqueue: enqueueReport,
    staleAfterMs: HEARTBEAT_TIMEOUT_MS,
    staleError: "The worker generating this report stopped",
  },
} satisfies Record<string, RowJobKind>;

export type RowJobKindName = keyof typeof ROW_JOB_KINDS;

/** BullMQ states in which a job will still be (or is being) handled; any other state is over. */
const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** How many QUEUED rows one pass looks at per table; the next pass takes the rest. */
const QUEUED_BATCH = 1000;

/**
 * PostgreSQL is the source of truth, Redis only transport: for each row-job table, re-enqueue
 * QUEUED rows whose job is missing (Redis flushed, enqueue failed) or over, and fail RUNNING
 * rows whose worker stopped heartbeating.
 *
 * A stale heartbeat alone does not prove a worker dead: a worker cut off from the database keeps
 * running (and storing its results as soon as it can), but cannot beat. So a row is only failed
 * when its BullMQ job is not held by a live worker (active, with its lock still renewed), and not
 * while this process itself has just seen the database unreachable: then no heartbeat could be
 * written, and every worker gets a full stale limit from the database's return to beat again.
 */
export async function reconcileRowJobs(): Promise<Record<RowJobKindName, ReconcileReport>> {
  return {
    runs: await reconcileKind(ROW_JOB_KINDS.runs),
    probeJobs: await reconcileKind(ROW_JOB_KINDS.probeJobs),
    reports: await reconcileKind(ROW_JOB_KINDS.reports),
  };
}

/** Benchmark runs and standalone probe jobs. */
export async function reconcileRuns(): Promise<ReconcileReport> {
  const runs = await reconcileKind(ROW_JOB_KINDS.runs);
  const probeJobs = await reconcileKind(ROW_JOB_KINDS.probeJobs);
  return {
    reenqueued: [...runs.reenqueued, ...probeJobs.reenqueued],
    failedStale: [...runs.failedStale, ...probeJobs.failedStale],
  };
}

export function reconcileReports(): Promise<ReconcileReport> {
  return reconcileKind(ROW_JOB_KINDS.reports);
}

async function reconcileKind(kind: RowJobKind): Promise<ReconcileReport> {
  return { reenqueued: await reenqueueLost(kind), failedStale: await failStale(kind) };
}

async function reenqueueLost(kind: RowJobKind): Promise<string[]> {
  const queued = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM ${rowJobTableSql(kind.table)} WHERE "status" = 'QUEUED'
    ORDER BY "createdAt", "id" LIMIT ${QUEUED_BATCH}`;
  const enqueued: string[] = [];
  for (const { id } of queued) {
    const job = await kind.queue().getJob(id);
    if (job && LIVE_STATES.has(await job.getState())) continue;
    // A finished job still holds the id; remove it so the add below is not ignored.
    if (job) await job.remove().catch(() => undefined);
    await kind.enqueue(id);
    enqueued.push(id);
  }
  return enqueued;
}

async function failStale(kind: RowJobKind): Promise<string[]> {
  const sinceOutage = msSinceDatabaseUnreachable();
  if (sinceOutage !== null && sinceOutage < kind.staleAfterMs) return [];
  const now = new Date();
  const staleBefore = new Date(now.getTime() - kind.staleAfterMs);
  const stale = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM ${rowJobTableSql(kind.table)}
    WHERE "status" = 'RUNNING' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < ${staleBefore})`;
  const failed: string[] = [];
  for (const { id } of stale) {
    if (await heldByLiveWorker(kind.queue(), id)) continue;
    // Conditional: a row that heartbeats or finishes meanwhile is not touched.
    const rows = await db.$queryRaw<{ id: string }[]>`
      UPDATE ${rowJobTableSql(kind.table)}
      SET "status" = 'FAILED', "finishedAt" = ${now}, "error" = ${kind.staleError}, "phase" = NULL
      WHERE "id" = ${id} AND "status" = 'RUNNING' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < ${staleBefore})
      RETURNING "id"`;
    for (const row of rows) {
      failed.push(row.id);
      void publishRowEvent({ table: kind.table, id: row.id, status: "FAILED", progress: null, phase: null });
    }
  }
  return failed;
}

/**
 * A worker holds its BullMQ job under a lock it renews while its process lives, whatever the
 * database does; a dead worker's lock expires. (A flushed Redis loses the lock too: then the
 * heartbeat alone decides, as it did before.)
 */
async function heldByLiveWorker(queue: Queue, id: string): Promise<boolean> {
  const job = await queue.getJob(id);
  if (!job || (await job.getState()) !== "active") return false;
  const redis = await queue.client;
  return (await redis.get(queue.toKey(`${id}:lock`))) !== null;
}
