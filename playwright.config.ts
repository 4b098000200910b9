import { defineConfig } from "@playwright/test";
import { applyTestEnv } from "./test/test-env";
import { CHROMIUM_ARGS, chromiumPath } from "./worker/reports/pdf";

const env = applyTestEnv();
const baseURL = `http://localhost:${env.TEST_PORT}`;

export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  // As in vitest.config.ts: one retry, and a test that passes only then is listed as flaky by the summary.
  retries: 1,
  reporter: [["list"], ["json", { outputFile: "var/test/playwright.json" }]],
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "var/test/playwright",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // Debian's Chromium with the report printer's flags (Playwright cannot download its own browser here).
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      command: `bash scripts/run-prometheus.sh ${env.TEST_PROMETHEUS_PORT} var/test/prometheus-e2e`,
      url: `${env.PROMETHEUS_URL}/-/ready`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `npx next start -p ${env.TEST_PORT}`,
      url: `${baseURL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "npx tsx worker/index.ts",
      url: `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
  ],
});
