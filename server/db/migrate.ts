import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

/**
 * Applies prisma/migrations/<name>/migration.sql folders in order, each in a transaction, and
 * records them in a table shaped exactly like Prisma's `_prisma_migrations`, so `prisma migrate
 * status` still works for anyone who has Prisma's engines. We need our own runner because
 * `prisma migrate deploy` fails with the driver adapter used offline (see README).
 */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Arbitrary constant: serialises concurrent runners (web and worker start together).
const ADVISORY_LOCK_KEY = 727_274_001;

export interface MigrationOutcome {
  applied: string[];
  alreadyApplied: string[];
}

export async function listMigrations(migrationsDir: string): Promise<{ name: string; sql: string; checksum: string }[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const dbName = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${dbName.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}

export async function migrate(databaseUrl: string, migrationsDir = path.resolve("prisma/migrations")): Promise<MigrationOutcome> {
  const migrations = await listMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const outcome: MigrationOutcome = { applied: [], alreadyApplied: [] };
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    for (const m of migrations) {
      const previous = applied.get(m.name);
      if (previous !== undefined) {
        if (previous !== m.checksum) {
          throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
        }
        outcome.alreadyApplied.push(m.name);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`);
      }
      outcome.applied.push(m.name);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return outcome;
}

/**
 * For a process that must not change the schema itself (MIGRATE_ON_START=false): throws, naming
 * what is missing, unless every migration of this release is applied.
 */
export async function requireMigrated(databaseUrl: string, migrationsDir = path.resolve("prisma/migrations")): Promise<void> {
  const migrations = await listMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let applied = new Set<string>();
  try {
    const table = await client.query<{ found: string | null }>(`SELECT to_regclass('"_prisma_migrations"') AS found`);
    if (table.rows[0]?.found) {
      const done = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      applied = new Set(done.rows.map((r) => r.migration_name));
    }
  } finally {
    await client.end();
  }
  const pending = migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
  if (pending.length > 0) {
    throw new Error(
      `the database lacks ${pending.length} migration(s) of this release (first: ${pending[0]}); ` +
        "apply them first (the migrations Job, or node --import tsx scripts/prepare.ts), or set MIGRATE_ON_START=true",
    );
  }
}
