import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { listMigrations, migrate } from "~/server/db/migrate";

const url = process.env.DATABASE_URL ?? "";

describe("migration runner", () => {
  it("is a no-op the second time", async () => {
    const all = await listMigrations(path.resolve("prisma/migrations"));
    const outcome = await migrate(url);
    expect(outcome.applied).toEqual([]);
    expect(outcome.alreadyApplied).toEqual(all.map((m) => m.name));
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "meshbench-migrations-"));
    await cp(path.resolve("prisma/migrations"), dir, { recursive: true });
    const [first] = await listMigrations(dir);
    await writeFile(path.join(dir, first?.name ?? "", "migration.sql"), "-- edited\n");
    await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it("rolls back a failing migration and records nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "meshbench-migrations-"));
    await cp(path.resolve("prisma/migrations"), dir, { recursive: true });
    await mkdir(path.join(dir, "29991231000000_broken"));
    await writeFile(
      path.join(dir, "29991231000000_broken", "migration.sql"),
      'CREATE TABLE "half_done" (id int); SELECT no_such_function();',
    );
    await expect(migrate(url, dir)).rejects.toThrow(/29991231000000_broken failed/);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const table = await client.query("SELECT to_regclass('public.half_done') AS t");
    await client.end();
    expect(table.rows[0].t).toBeNull();
  });
});
