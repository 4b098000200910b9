import pg from "pg";
import { median } from "~/bench/lib/stats";
import { explainAnalyze } from "./explain";

/**
 * The cursor page as Prisma's `cursor` option writes it (what runs.list sent before it switched to
 * a row-value keyset query, server/api/routers/runs.ts): `(createdAt = c AND id <= i) OR
 * createdAt < c` plus OFFSET 1, which the planner can only filter row by row from the newest run
 * down to the cursor, so its cost grows with the page's depth. Kept as the reference the app's
 * query is measured against.
 */
export const PRISMA_CURSOR_SQL = `SELECT "id", "name", "backend"::text, "mesh", "status"::text, "progress", "phase", "error", "createdAt", "startedAt",
  "finishedAt", "p50Us", "p99Us", "actualQps", "errorCount", "requestCount"
FROM "BenchmarkRun"
WHERE ("createdAt" = (SELECT "createdAt" FROM "BenchmarkRun" WHERE "id" = $1) AND "id" <= (SELECT "id" FROM "BenchmarkRun" WHERE "id" = $1))
   OR "createdAt" < (SELECT "createdAt" FROM "BenchmarkRun" WHERE "id" = $1)
ORDER BY "createdAt" DESC, "id" DESC
LIMIT $2 OFFSET 1`;

export interface KeysetTiming {
  medianMs: number;
  deepestMs: number;
  shape: string;
}

/** EXPLAIN ANALYZE Prisma's cursor page for the given cursors and for one deep cursor. */
export async function keysetTiming(
  databaseUrl: string,
  cursors: readonly string[],
  deep: string,
  repeats: number,
): Promise<KeysetTiming> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const times: number[] = [];
    let shape = "";
    for (const cursor of cursors) {
      const t = await explainAnalyze(client, { text: PRISMA_CURSOR_SQL, values: [cursor, 27] }, repeats);
      times.push(t.executionMs);
      shape = t.shape;
    }
    const deepest = (await explainAnalyze(client, { text: PRISMA_CURSOR_SQL, values: [deep, 27] }, repeats)).executionMs;
    return { medianMs: median(times), deepestMs: deepest, shape };
  } finally {
    await client.end();
  }
}

/** A run on the last page of the list (30 from the oldest): the worst case for Prisma's cursor shape. */
export async function deepCursor(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ id: string }>(
      `SELECT "id" FROM "BenchmarkRun" ORDER BY "createdAt" ASC, "id" ASC LIMIT 1 OFFSET 30`,
    );
    const id = r.rows[0]?.id;
    if (!id) throw new Error("no runs in the bench database");
    return id;
  } finally {
    await client.end();
  }
}
