/**
 * The test suite's environment: its own database, queue prefix and ports, so tests never touch
 * a running MeshBench's data. Shared by vitest.config.ts and playwright.config.ts.
 */
const baseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/meshbench";
const port = process.env.TEST_PORT ?? "3100";
/** Parallel suites on one machine each need their own; only 9091's scrapes the default worker port. */
const prometheusPort = process.env.TEST_PROMETHEUS_PORT ?? "9091";

export const testEnv = {
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? baseUrl.replace(/\/[^/]*$/, "/meshbench_test"),
  QUEUE_PREFIX: process.env.TEST_QUEUE_PREFIX ?? "meshbench-test",
  TEST_PORT: port,
  NEXTAUTH_URL: `http://localhost:${port}`,
  WORKER_METRICS_PORT: process.env.TEST_WORKER_METRICS_PORT ?? "9565",
  SEED_DEMO_RUNS: "false",
  /** A deleted or demoted user's sessions end within this; short so tests need not wait. */
  SESSION_RECHECK_SECONDS: "1",
  /** Tests change rows and read them back at once; the sharing has a test of its own. */
  SHARED_READ_MS: "0",
  WORKER_RECONCILE_SECONDS: "2",
  /** The tests' own Prometheus (scripts/run-prometheus.sh), so a test may stop it. */
  PROMETHEUS_URL: `http://127.0.0.1:${prometheusPort}`,
  TEST_PROMETHEUS_PORT: prometheusPort,
  /**
   * Absent unless a test writes it (pointing at FakeKubernetesApi), so no test ever reaches a
   * developer's real cluster and the cluster page reads "not connected" by default.
   */
  KUBECONFIG: `${process.cwd()}/var/test/kubeconfig`,
};

/** Set on process.env, so global setups and every child process see the same values. */
export function applyTestEnv(): typeof testEnv {
  Object.assign(process.env, testEnv);
  return testEnv;
}
