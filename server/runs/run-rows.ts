import type { RunSpec } from "~/core/spec";
import { db, type Prisma } from "~/server/db/client";
import type { Backend, RunStatus } from "~/server/db/generated/enums";

/** The database, or the transaction a write belongs to. */
export type DbClient = typeof db | Prisma.TransactionClient;

/** The columns most reads of one run need: who it is, where it ran and how far it got. */
const RUN_HEADER_SELECT = {
  id: true,
  name: true,
  mesh: true,
  backend: true,
  status: true,
  isProfileBaseline: true,
  createdAt: true,
  finishedAt: true,
} as const satisfies Prisma.BenchmarkRunSelect;

export type RunHeader = Prisma.BenchmarkRunGetPayload<{ select: typeof RUN_HEADER_SELECT }>;

export function findRunHeader(id: string): Promise<RunHeader | null> {
  return db.benchmarkRun.findUnique({ where: { id }, select: RUN_HEADER_SELECT });
}

/** A new run waits as QUEUED until the worker claims it. */
export function insertQueuedRun(run: { name: string; spec: RunSpec; createdById: string | null }, client: DbClient = db) {
  return client.benchmarkRun.create({
    data: {
      name: run.name,
      backend: run.spec.backend,
      mesh: run.spec.mesh,
      spec: run.spec as unknown as Prisma.InputJsonValue,
      createdById: run.createdById,
    },
    select: { id: true },
  });
}

/** Cancels the run if it is still QUEUED; false if it is not (any more). */
export async function cancelQueuedRun(id: string, at: Date): Promise<boolean> {
  const { count } = await db.benchmarkRun.updateMany({
    where: { id, status: "QUEUED" },
    data: { status: "CANCELLED", cancelRequestedAt: at, finishedAt: at, error: "Cancelled before it started" },
  });
  return count === 1;
}

/** Flags a RUNNING run; the worker polls the flag with its heartbeat and stops the run itself. */
export async function requestRunningRunCancel(id: string, at: Date): Promise<boolean> {
  const { count } = await db.benchmarkRun.updateMany({ where: { id, status: "RUNNING" }, data: { cancelRequestedAt: at } });
  return count === 1;
}

export function countRuns(): Promise<number> {
  return db.benchmarkRun.count();
}

/** A local benchmark owns this machine's cores while it runs: anything heavy (a report) waits for it. */
export async function isLocalBenchmarkRunning(): Promise<boolean> {
  return (await db.benchmarkRun.count({ where: { status: "RUNNING", backend: "LOCAL" } })) > 0;
}

/** What the run's charts over time need: where it ran, and when. */
export function findRunWindow(id: string): Promise<{
  id: string;
  backend: Backend;
  mesh: string;
  status: RunStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
} | null> {
  return db.benchmarkRun.findUnique({
    where: { id },
    select: { id: true, backend: true, mesh: true, status: true, startedAt: true, finishedAt: true },
  });
}

/** Runs by id (in no particular order), with how many results each has stored. */
export async function findRunsWithResultCount(ids: readonly string[]) {
  const runs = await db.benchmarkRun.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true, mesh: true, status: true, _count: { select: { results: true } } },
  });
  return runs.map(({ _count, ...run }) => ({ ...run, resultCount: _count.results }));
}

/**
 * What of a run can still change once it is comparable: its name, its status, and when it
 * finished (its results and probe results are all stored before that). Read without the results.
 */
export function findRunStamps(ids: readonly string[]) {
  return db.benchmarkRun.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true, status: true, finishedAt: true },
  });
}
