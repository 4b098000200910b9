import type { RunEnvironment } from "~/core/run-environment";
import { db, type Prisma } from "~/server/db/client";
import { environmentColumn } from "./json-columns";

/** Where the run ran, written by the worker once the workload is ready. */
export async function storeRunEnvironment(runId: string, environment: RunEnvironment): Promise<void> {
  await db.benchmarkRun.update({
    where: { id: runId },
    data: { environment: environment as unknown as Prisma.InputJsonValue },
  });
}

/** null for a run without one (older, or never prepared) and for an id with no run. */
export async function findRunEnvironment(runId: string): Promise<RunEnvironment | null> {
  const row = await db.benchmarkRun.findUnique({ where: { id: runId }, select: { environment: true } });
  return environmentColumn.parse(row?.environment ?? null);
}
