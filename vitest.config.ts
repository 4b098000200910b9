import path from "node:path";
import { defineConfig } from "vitest/config";
import { applyTestEnv } from "./test/test-env";

const alias = { "~": path.resolve(import.meta.dirname) };
// Tests time real sockets, processes and kernels on a shared 2-core machine: a test that fails is
// run once more, and one that passes only then is listed as flaky in the summary (with its first
// failure) rather than hidden. A real regression fails both times.
const retry = 1;

applyTestEnv();

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node", retry } },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          retry,
          globalSetup: ["test/integration/global-setup.ts"],
          // Real benchmarks share two cores and one database: run files one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
