/**
 * The bench's environment: its own database and Redis prefix, so it never touches a running
 * MeshBench's data or its login rate limit. Applied before any server module is imported
 * (server/env.ts reads process.env once, at import).
 */
export const BENCH_QUEUE_PREFIX = "meshbench-bench";
const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/meshbench";

/** BENCH_DATABASE_URL, or DATABASE_URL with the database renamed to meshbench_bench. */
export function benchDatabaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.BENCH_DATABASE_URL) return env.BENCH_DATABASE_URL;
  const url = new URL(env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  url.pathname = "/meshbench_bench";
  return url.toString();
}

export function applyBenchEnv(): { databaseUrl: string; queuePrefix: string } {
  const databaseUrl = benchDatabaseUrl();
  Object.assign(process.env, { DATABASE_URL: databaseUrl, QUEUE_PREFIX: BENCH_QUEUE_PREFIX, SEED_DEMO_RUNS: "false" });
  return { databaseUrl, queuePrefix: BENCH_QUEUE_PREFIX };
}
