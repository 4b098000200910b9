import pg from "pg";
import { median } from "~/bench/lib/stats";
import { explainAnalyze } from "./explain";

/**
 * The cursor page written by hand as a row-value keyset query, the shape the (createdAt DESC,
 * id DESC) index answers with one range scan. Prisma's `cursor` instead generates
 * `(createdAt = c AND id <= i) OR createdAt < c` plus OFFSET 1, which the planner can only
 * filter row by row from the newest run down to the cursor: its cost grows with the page depth.
 */
export const KEYSET_SQL = `SELECT "id", "name", "backend"::text, "mesh", "status"::text, "progress", "error", "createdAt", "startedAt",
  "finishedAt", "p50Us", "p99Us", "actualQps", "errorCount", "requestCount"
FROM "BenchmarkRun"
WHERE ("createdAt", "id") < (SELECT "createdAt", "id" FROM "BenchmarkRun" WHERE "id" = $1)
ORDER BY "createdAt" DESC, "id" DESC
LIMIT $2`;

export interface KeysetTiming {
  medianMs: number;
  deepestMs: number;
  shape: string;
}

/** EXPLAIN ANALYZE the hand-written keyset page for the given cursors and for one deep cursor. */
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
      const t = await explainAnalyze(client, { text: KEYSET_SQL, values: [cursor, 26] }, repeats);
      times.push(t.executionMs);
      shape = t.shape;
    }
    const deepest = (await explainAnalyze(client, { text: KEYSET_SQL, values: [deep, 26] }, repeats)).executionMs;
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
