import { type RunInterference, TOP_CONSUMERS } from "~/core/interference";
import { db, type Prisma } from "~/server/db/client";

/** How many process names a run keeps: the page names a few, a second look may want a few more. */
const STORED_NAMES = TOP_CONSUMERS * 3;

/** Stores what else used the machine while the run measured (BenchmarkRun.interference). */
export async function storeRunInterference(runId: string, interference: RunInterference): Promise<void> {
  const kept: RunInterference = {
    ...interference,
    byName: [...interference.byName].sort((a, b) => b.cpuSeconds - a.cpuSeconds).slice(0, STORED_NAMES),
  };
  await db.benchmarkRun.update({ where: { id: runId }, data: { interference: kept as unknown as Prisma.InputJsonValue } });
}
