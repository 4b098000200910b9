import { writeRunSummary } from "./durable-store";
import { type HeldRow, listHeldRows, releaseHeldRow } from "./held-rows";
import { finishRow, type RowJobEnd } from "./row-job";
import { isGone } from "./this-process";
import { describeWorkerDeath, forgetWorkerExits } from "./worker-exits";

/**
 * Settles the rows held by worker processes of this machine that are gone: the end the worker
 * decided but could not write (the database was away as it stopped), or FAILED with how it died
 * ("worker process died (SIGKILL)"), phase cleared. Run at start-up, after the spool replay (so
 * the run's results are in first), and before each reconcile pass. Returns the rows it settled.
 */
export async function settleRowsOfDeadWorkers(log: (message: string) => void): Promise<HeldRow[]> {
  const settled: HeldRow[] = [];
  const deadPids = new Set<number>();
  for (const row of await listHeldRows()) {
    if (!(await isGone(row.owner))) continue;
    deadPids.add(row.owner.pid);
    const end: RowJobEnd = row.pendingEnd ?? { status: "FAILED", error: await describeWorkerDeath(row.owner.pid) };
    // Conditional on RUNNING: a row that ended, or was deleted, is left as it is.
    const finished = await finishRow(row.table, row.id, end, row.pendingEnd?.progress ?? null);
    if (row.table === "BenchmarkRun") await writeRunSummary(row.id);
    await releaseHeldRow(row.table, row.id);
    if (finished) {
      settled.push(row);
      log(`${row.table} ${row.id}, held by worker pid ${row.owner.pid}: ${end.status.toLowerCase()}: ${end.error ?? "no error"}`);
    }
  }
  await forgetWorkerExits(deadPids);
  return settled;
}
