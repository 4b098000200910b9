import { classifyDatabaseError, shortDatabaseError } from "~/server/db/errors";
import { noteDatabaseFailure } from "./database-outage";
import { storeRepetition, writeRunSummary } from "./durable-store";
import { listOrphanedSpool, removeSpooled } from "./result-spool";

export interface ReplayReport {
  /** Repetitions now in the database. */
  stored: number;
  /** Repetitions of runs deleted meanwhile: nothing left to store them in. */
  dropped: number;
}

/**
 * Stores the spooled repetitions whose writer is gone (a worker that stopped or died while the
 * database was away), then refreshes their runs' list figures.
 * Run at start-up and before each reconcile pass, so a run's results are in before anything
 * settles the run. Throws when the database is unreachable: the files stay for the next pass.
 */
export async function replaySpool(log: (message: string) => void): Promise<ReplayReport> {
  const report: ReplayReport = { stored: 0, dropped: 0 };
  const touched = new Set<string>();
  for (const { file, entry } of await listOrphanedSpool(log)) {
    const what = `run ${entry.runId} repetition ${entry.measured.iteration}`;
    try {
      await storeRepetition(entry);
      touched.add(entry.runId);
      await removeSpooled(file);
      report.stored++;
      log(`spool: stored ${what}`);
    } catch (error) {
      noteDatabaseFailure(error);
      const failure = classifyDatabaseError(error);
      if (failure === "unreachable") throw error;
      if (failure === "owner-gone") {
        await removeSpooled(file);
        report.dropped++;
        log(`spool: dropped ${what}: the run was deleted`);
      } else {
        log(`spool: ${what} not stored, kept in ${file}: ${shortDatabaseError(error)}`);
      }
    }
  }
  for (const runId of touched) await writeRunSummary(runId);
  return report;
}
