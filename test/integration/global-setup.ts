import pg from "pg";
import { ensureDatabase, migrate } from "~/server/db/migrate";

/** A clean, migrated test database per run. Refuses to wipe anything not named *_test. */
export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL ?? "";
  if (!new URL(url).pathname.endsWith("_test")) throw new Error(`Refusing to reset ${url}: test databases must end in _test`);
  await ensureDatabase(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
  await client.end();
  await migrate(url);
}
