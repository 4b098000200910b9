import path from "node:path";
import { defineConfig } from "vitest/config";
import { applyTestEnv } from "./test/test-env";

const alias = { "~": path.resolve(import.meta.dirname) };

applyTestEnv();

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
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
