/**
 * `npm run bench [-- --quick] [-- --only=1,2,3,4,5,6]`: MeshBench measured against wrk and its own limits.
 * Prints a markdown table, writes bench/results/latest.json, exits 1 only when something could not be measured.
 */
import { applyBenchEnv } from "./env";
import { runCleanups } from "./lib/cleanup";

// Before any server module loads: server/env.ts reads DATABASE_URL and QUEUE_PREFIX once, at import.
applyBenchEnv();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void runCleanups().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  const { runSuite } = await import("./suite");
  code = await runSuite(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`[bench] could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await runCleanups();
}
process.exit(code);
