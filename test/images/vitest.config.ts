import path from "node:path";
import { defineConfig } from "vitest/config";
import { applyTestEnv } from "../test-env";

const root = path.resolve(import.meta.dirname, "../..");

applyTestEnv();

/**
 * The container tests: run by scripts/test-images.sh once it has built the images, not by the
 * main vitest run (which neither builds them nor may have Docker).
 */
export default defineConfig({
  root,
  resolve: { alias: { "~": root } },
  test: {
    name: "images",
    include: ["test/images/**/*.test.ts"],
    environment: "node",
    // As in the main config: a failure is run once more and listed as flaky if it then passes.
    retry: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
