import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDatabase, listMigrations, migrate, requireMigrated } from "~/server/db/migrate";

/** MIGRATE_ON_START=false (deploy/kubernetes): the worker checks the schema instead of changing it. */
const url = (process.env.DATABASE_URL ?? "").replace(/\/([^/?]+)(\?.*)?$/, "/$1_unmigrated$2");
const admin = (process.env.DATABASE_URL ?? "").replace(/\/([^/?]+)(\?.*)?$/, "/postgres$2");

async function dropDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  await client.end();
}
afterAll(dropDatabase);

describe("requireMigrated", () => {
  it("refuses an empty database and one missing the newest migration, then accepts a migrated one", async () => {
    await dropDatabase();
    await ensureDatabase(url);
    const all = await listMigrations("prisma/migrations");
    await expect(requireMigrated(url)).rejects.toThrow(
      `lacks ${all.length} migration(s) of this release (first: ${all[0]?.name})`,
    );

    await migrate(url);
    await expect(requireMigrated(url)).resolves.toBeUndefined();

    const newest = all.at(-1)?.name ?? "";
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = $1`, [newest]);
    await client.end();
    await expect(requireMigrated(url)).rejects.toThrow(`lacks 1 migration(s) of this release (first: ${newest})`);
  });
});
