import { migrate, requireMigrated } from "~/server/db/migrate";
import { env } from "~/server/env";
import { restoreLeftoverAffinity } from "./backends/local/cpu-pinning";
import { reapOrphans } from "./backends/local/orphans";
import { DEFAULT_RUN_ROOT } from "./backends/local/paths";
import { recoverFromStoppedWorkers } from "./jobs/recover";
import { workerLog } from "./log";

const log = (message: string) => workerLog.info(message);

/**
 * The worker's entry (`npm run worker`; `npm start` supervises it). Start-up first settles what a
 * previous worker left: its processes, its spooled results, the rows it held. Only then is the
 * rest loaded (backends, report printing, the cluster client: seconds of module loading), so the
 * runs of a worker that died read as failed within seconds of the restart, not after.
 */
async function main(): Promise<void> {
  // Without the database: what a dead worker left running is stopped now, not once it answers.
  const reaped = await reapOrphans();
  if (reaped > 0) log(`stopped ${reaped} process(es) left behind by a previous worker`);
  // A worker that died while a benchmark was pinned left the machine's other processes confined.
  const unpinned = await restoreLeftoverAffinity(DEFAULT_RUN_ROOT);
  if (unpinned > 0) log(`restored the CPU affinity of ${unpinned} process(es) a previous worker had pinned`);
  if (env.MIGRATE_ON_START) await migrate(env.DATABASE_URL);
  else await requireMigrated(env.DATABASE_URL);
  // Before any job is taken: the rows a dead worker held are settled with how it died, after
  // its spooled results are stored.
  await recoverFromStoppedWorkers(log);
  const { serve } = await import("./serve");
  await serve();
}

main().catch((error: unknown) => {
  workerLog.error("failed to start", { err: error });
  process.exit(1);
});
