import { execFileSync } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { ensureDatabase } from "~/server/db/migrate";

const testUrl = process.env.DATABASE_URL ?? "";
const scratchUrl = testUrl.replace(/\/[^/]*$/, "/meshbench_schema_test");

/** Schema-only dump, without Prisma's bookkeeping table and pg_dump's session noise, for comparison. */
function schemaOf(url: string): string {
  const dump = execFileSync(
    "pg_dump",
    ["--schema-only", "--no-owner", "--no-privileges", "--exclude-table=_prisma_migrations", url],
    {
      encoding: "utf8",
    },
  );
  // Sorted lines without trailing commas: ALTER TABLE ADD COLUMN appends columns, so column order
  // legitimately differs; every column, type, index and constraint still has to match.
  return dump
    .split("\n")
    .map((line) => line.trim().replace(/,$/, ""))
    .filter((line) => line !== "" && !/^(--|SET |SELECT pg_catalog|\\)/.test(line))
    .sort()
    .join("\n");
}

describe("migrations and schema.prisma agree", () => {
  // `prisma migrate diff --from-url` refuses to run with a driver adapter, so compare databases instead:
  // the migrations (applied by globalSetup) against the SQL Prisma generates for schema.prisma itself.
  it("produce exactly the same tables, columns, indexes and constraints", async () => {
    const fullSchemaSql = execFileSync(
      "npx",
      ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { encoding: "utf8", env: { ...process.env, DATABASE_URL: testUrl }, stdio: ["ignore", "pipe", "ignore"] },
    );
    await ensureDatabase(scratchUrl);
    const client = new pg.Client({ connectionString: scratchUrl });
    await client.connect();
    try {
      await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
      await client.query(fullSchemaSql);
    } finally {
      await client.end();
    }
    expect(schemaOf(testUrl)).toBe(schemaOf(scratchUrl));
  });
});
