import pg from "pg";
import { runSummary } from "~/server/runs/store";

/**
 * A finished seeded run with its statistics stored, outside `exclude` (the runs other figures
 * read, which keep the seed's state). The seed inserts runs directly, without the worker's
 * end-of-run summary, so their statistics are not stored and runs.get would take the
 * compute-from-histograms path; storing them the way the worker does (runSummary) puts the run
 * on the path a finished run is served from.
 */
export async function finishedRunWithStoredStatistics(databaseUrl: string, exclude: readonly string[]): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const picked = await client.query<{ id: string }>(
      `SELECT r."id" FROM "BenchmarkRun" r
       WHERE r."status" = 'SUCCEEDED' AND r."id" <> ALL($1::text[])
         AND EXISTS (SELECT 1 FROM "RunResult" x WHERE x."runId" = r."id")
       ORDER BY md5(r."id" || 'stored statistics') LIMIT 1`,
      [exclude],
    );
    const runId = picked.rows[0]?.id;
    if (!runId) throw new Error("no finished run with results outside the other figures' runs");
    await runSummary(runId);
    const stored = await client.query<{ stored: boolean }>(
      `SELECT "statistics" IS NOT NULL AS "stored" FROM "BenchmarkRun" WHERE "id" = $1`,
      [runId],
    );
    if (stored.rows[0]?.stored !== true) throw new Error(`run ${runId}: statistics still not stored after runSummary`);
    return runId;
  } finally {
    await client.end();
  }
}
