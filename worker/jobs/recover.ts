import { settleRowsOfDeadWorkers } from "./dead-workers";
import { replaySpool } from "./spool-replay";

/**
 * What a worker that stopped or died left for the database: its spooled results first (so they
 * are in before the run is settled), then the rows it held, settled with how it ended. Run at
 * start-up and before each reconcile pass, so the reconciler never judges such a row first.
 * Throws while the database is unreachable; everything stays on disk for the next pass.
 */
export async function recoverFromStoppedWorkers(log: (message: string) => void): Promise<void> {
  const replayed = await replaySpool(log);
  if (replayed.stored + replayed.dropped > 0) {
    log(`stored ${replayed.stored} spooled repetition(s), dropped ${replayed.dropped} of deleted runs`);
  }
  const settled = await settleRowsOfDeadWorkers(log);
  if (settled.length > 0) log(`settled ${settled.length} row(s) held by worker processes that are gone`);
}
