import { randomUUID } from "node:crypto";
import pg from "pg";
import { hashPassword } from "~/server/auth/password";
import { ensureDatabase, migrate } from "~/server/db/migrate";
import { insertRows } from "./pg-insert";
import { RESULT_COLUMNS, RUN_COLUMNS, SEED_TAG, seedRows } from "./seed-data";

export const SEED_RUNS = 10_000;
/** A viewer in the bench database only. */
export const BENCH_USER = { email: "bench-viewer@meshbench.bench", password: "meshbench-bench-password" } as const;

export interface SeededDatabase {
  userId: string;
  runs: number;
  results: number;
  seededNow: boolean;
  seedSeconds: number;
  /** Finished runs with results: what runs.get and the comparison ask for. */
  detailIds: string[];
  /** Any runs: cursors for runs.list pages deep in the list. */
  cursorIds: string[];
}

async function upsertUser(client: pg.ClientBase): Promise<string> {
  const passwordHash = await hashPassword(BENCH_USER.password);
  const found = await client.query<{ id: string }>(
    `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role") VALUES ($1, $2, 'Bench viewer', $3, 'VIEWER')
     ON CONFLICT ("email") DO UPDATE SET "passwordHash" = EXCLUDED."passwordHash" RETURNING "id"`,
    [`bench${randomUUID().replaceAll("-", "")}`, BENCH_USER.email, passwordHash],
  );
  const id = found.rows[0]?.id;
  if (!id) throw new Error("could not create the bench user");
  return id;
}

/** Create and migrate the bench database, and seed it unless the same seed is already there. */
export async function seedBenchDatabase(url: string, log: (m: string) => void): Promise<SeededDatabase> {
  await ensureDatabase(url);
  await migrate(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const userId = await upsertUser(client);
    const have = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "BenchmarkRun" WHERE "name" LIKE $1`, [
      `${SEED_TAG} #%`,
    ]);
    const total = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "BenchmarkRun"`);
    const seededNow = Number(have.rows[0]?.n) !== SEED_RUNS || Number(total.rows[0]?.n) !== SEED_RUNS;
    const started = Date.now();
    if (seededNow) {
      log(`seeding ${SEED_RUNS} runs with results into the bench database`);
      const rows = seedRows(SEED_RUNS, userId, Date.now());
      await client.query("BEGIN");
      await client.query(`TRUNCATE "BenchmarkRun" CASCADE`);
      await insertRows(client, "BenchmarkRun", RUN_COLUMNS, rows.runs);
      await insertRows(client, "RunResult", RESULT_COLUMNS, rows.results);
      await client.query("COMMIT");
      await client.query(`ANALYZE "BenchmarkRun", "RunResult"`);
    }
    const seedSeconds = (Date.now() - started) / 1000;
    const results = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "RunResult"`);
    const detail = await client.query<{ id: string }>(
      `SELECT r."id" FROM "BenchmarkRun" r WHERE r."status" = 'SUCCEEDED' AND EXISTS (SELECT 1 FROM "RunResult" x WHERE x."runId" = r."id") ORDER BY md5(r."id") LIMIT 200`,
    );
    const cursors = await client.query<{ id: string }>(
      `SELECT "id" FROM "BenchmarkRun" ORDER BY md5("id" || 'cursor') LIMIT 200`,
    );
    return {
      userId,
      runs: SEED_RUNS,
      results: Number(results.rows[0]?.n),
      seededNow,
      seedSeconds,
      detailIds: detail.rows.map((r) => r.id),
      cursorIds: cursors.rows.map((r) => r.id),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
