/**
 * Start-up steps that need the database: create it, migrate, seed the admin and, on the very
 * first start, queue the demo runs. Safe to run any number of times.
 */
import { seedAdmin } from "~/server/auth/seed-admin";
import { db } from "~/server/db/client";
import { ensureDatabase, migrate } from "~/server/db/migrate";
import { env } from "~/server/env";
import { queueDemoRunsIfEmpty } from "~/server/runs/demo-runs";

async function main(): Promise<void> {
  await ensureDatabase(env.DATABASE_URL);
  const migrations = await migrate(env.DATABASE_URL);
  console.log(`[meshbench] migrations: ${migrations.applied.length} applied, ${migrations.alreadyApplied.length} already there`);

  const admin = await seedAdmin(process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  if (admin.kind === "created" && admin.generatedPassword) {
    console.log("");
    console.log("  ┌──────────────────────────────────────────────────────────────");
    console.log("  │ First start: an admin account was created. Note the password,");
    console.log("  │ it is shown only this once:");
    console.log(`  │   email:    ${admin.email}`);
    console.log(`  │   password: ${admin.generatedPassword}`);
    console.log("  └──────────────────────────────────────────────────────────────");
    console.log("");
  } else {
    console.log(`[meshbench] log in as ${admin.email} (its password was printed on the first start, or is your ADMIN_PASSWORD)`);
  }

  if (process.env.SEED_DEMO_RUNS !== "false") {
    const owner = await db.user.findUnique({ where: { email: admin.email }, select: { id: true } });
    const queued = await queueDemoRunsIfEmpty(owner?.id ?? null);
    if (queued > 0)
      console.log(`[meshbench] queued ${queued} demo runs (baseline and nginx pair); SEED_DEMO_RUNS=false turns this off`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(`[meshbench] prepare failed: ${(error as Error).message}`);
    process.exit(1);
  });
