// Prints the step table, every failed test with the first lines of its error, and one closing line
// with the real test counts from vitest and playwright. CI keeps only the tail of the output, so
// the names of failed tests must be here, not only in the reporters' scroll-back.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

const steps = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
/** Passed only on a retry (vitest.config.ts, playwright.config.ts): shown, never hidden. */
const flaky = [];

// The message's first lines and the first stack frame in the project's own code: enough to tell
// which assertion broke without the whole trace.
function firstLines(text) {
  const lines = stripVTControlCharacters(text ?? "")
    .split("\n")
    .filter((line) => line.trim() !== "");
  const message = lines.filter((line) => !/^\s*at /.test(line)).slice(0, 5);
  const frame = lines.find((line) => /^\s*at /.test(line) && !line.includes("node_modules"));
  return [...message, ...(frame ? [frame.trim()] : [])].join("\n      ");
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

// The main run's, and the container tests' (scripts/test-images.sh).
for (const vitest of ["var/test/vitest.json", "var/test/vitest-images.json"].map(readJson)) {
  if (!vitest) continue;
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  for (const file of vitest.testResults ?? []) {
    const where = path.relative(process.cwd(), file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedTests) failures.push(`${where} › ${t.fullName}\n      ${firstLines(t.failureMessages?.[0])}`);
    // vitest keeps the errors of failed attempts on a test that passed on its retry.
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed" && t.failureMessages?.length > 0)
        flaky.push(`${where} › ${t.fullName}\n      ${firstLines(t.failureMessages[0])}`);
    }
    // A file can fail outside any test (a hook, an import): vitest reports that on the file only.
    if (file.status === "failed" && failedTests.length === 0) failures.push(`${where}\n      ${firstLines(file.message)}`);
  }
}

function* playwrightSpecs(suite) {
  for (const spec of suite.specs ?? []) yield spec;
  for (const child of suite.suites ?? []) yield* playwrightSpecs(child);
}

const playwright = readJson("var/test/playwright.json");
if (playwright) {
  passed += (playwright.stats?.expected ?? 0) + (playwright.stats?.flaky ?? 0);
  failed += playwright.stats?.unexpected ?? 0;
  skipped += playwright.stats?.skipped ?? 0;
  for (const suite of playwright.suites ?? []) {
    for (const spec of playwrightSpecs(suite)) {
      for (const test of spec.tests ?? []) {
        const bad = (test.results ?? []).find((r) => r.status !== "passed" && r.status !== "skipped");
        if (!bad) continue;
        const line = `e2e/${spec.file}:${spec.line} › ${spec.title}\n      ${firstLines(bad.error?.message)}`;
        (test.status === "flaky" ? flaky : failures).push(line);
      }
    }
  }
}

console.log("\n──────── MeshBench test summary ────────");
for (const s of steps) console.log(`  ${s}`);
if (failures.length > 0) {
  console.log("\nfailed:");
  for (const f of failures) console.log(`  ✗ ${f}`);
}
if (flaky.length > 0) {
  console.log("\nflaky (failed, then passed on the retry):");
  for (const f of flaky) console.log(`  ~ ${f}`);
}
console.log("");
console.log(`tests: ${passed} passed (${flaky.length} only on a retry), ${failed} failed, ${skipped} skipped`);
