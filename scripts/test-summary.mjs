// Prints the step table and one closing line with the real test counts from vitest and playwright.
import { existsSync, readFileSync } from "node:fs";

const steps = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (existsSync("var/test/vitest.json")) {
  const v = JSON.parse(readFileSync("var/test/vitest.json", "utf8"));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
if (existsSync("var/test/playwright.json")) {
  const p = JSON.parse(readFileSync("var/test/playwright.json", "utf8"));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  skipped += p.stats?.skipped ?? 0;
}

console.log("\n──────── MeshBench test summary ────────");
for (const s of steps) console.log(`  ${s}`);
console.log("");
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
