import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { E2E_OPERATOR, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/**
 * The meshbench CLI as a CI job uses it: the standalone bundle (cli/dist, built here as `npm pack`
 * would) against the production app and a real worker, with API tokens created on the Tokens page.
 * Runs are short (4 repetitions of 1 s warm-up + 2 s at 200 req/s) so the file stays quick.
 */

const REPO = path.resolve(import.meta.dirname, "..");
const CLI = path.join(REPO, "cli", "dist", "meshbench.mjs");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function meshbench(args: string[], token: string, baseURL: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { ...process.env, MESHBENCH_URL: baseURL, MESHBENCH_TOKEN: token },
        timeout: 150_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A port nothing listens on: bound, then released. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function specFile(name: string, serviceTimeMs: number | null): string {
  return [
    `name: ${name}`,
    "spec:",
    "  mesh: baseline",
    "  rate: 200",
    "  connections: 8",
    "  durationSeconds: 2",
    "  warmupSeconds: 1",
    "  payloadBytes: 256",
    "  repetitions: 4",
    ...(serviceTimeMs === null ? [] : ["  serviceTime:", "    distribution: fixed", `    ms: ${serviceTimeMs}`]),
    "gates:",
    // p50 has 800 requests above it per run; p99 only 16, so its gate must say "not enough data".
    // The minimum effect (2 ms) is above what another job on a shared machine does to a p50.
    "  - percentile: p50",
    "    minEffect: { percent: 20, us: 2000 }",
    "  - percentile: p99",
    "",
  ].join("\n");
}

async function createToken(page: Page, name: string, scopes: string[]): Promise<string> {
  await page.goto("/tokens");
  await page.getByLabel("Name").fill(name);
  for (const scope of ["read", "run"]) {
    const box = page.getByRole("checkbox", { name: new RegExp(`^${scope} `) });
    if ((await box.isChecked()) !== scopes.includes(scope)) await box.click();
  }
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mb_[A-Za-z0-9]{49}$/);
  return secret;
}

test.beforeAll(() => {
  execFileSync("npm", ["run", "build"], { cwd: path.join(REPO, "cli"), stdio: "pipe" });
});

test("the CLI gates a run against a baseline: 0 for the same spec, 1 with 10 ms added, 4 once the token is revoked", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(300_000);
  if (!baseURL) throw new Error("no baseURL");
  const dir = await mkdtemp(path.join(os.tmpdir(), "meshbench-cli-e2e-"));
  const stamp = Date.now();
  const basePath = path.join(dir, "base.yaml");
  const slowPath = path.join(dir, "slow.yaml");
  await writeFile(basePath, specFile(`cli base ${stamp}`, null));
  await writeFile(slowPath, specFile(`cli slowed ${stamp}`, 10));

  await logIn(page, E2E_OPERATOR);
  const token = await createToken(page, `ci ${stamp}`, ["read", "run"]);

  // A bad spec file is refused before anything is sent, naming the field and its line.
  await writeFile(path.join(dir, "bad.yaml"), "name: bad\nspec:\n  mesh: baseline\n  rate: 0\n");
  const bad = await meshbench(["run", path.join(dir, "bad.yaml"), "--wait"], token, baseURL);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("bad.yaml:4: spec.rate: Too small");

  // The baseline: started and followed to its end, reported as JSON.
  const base = await meshbench(["run", basePath, "--wait", "--format", "json"], token, baseURL);
  expect(base.code, base.stderr).toBe(0);
  const baseReport = JSON.parse(base.stdout) as { run: { id: string; status: string; p50Us: number | null } };
  expect(baseReport.run.status).toBe("SUCCEEDED");
  expect(baseReport.run.p50Us).toBeGreaterThan(0);
  // Not a terminal: plain progress lines, never a redrawn bar.
  expect(base.stderr).not.toContain("\r");
  expect(base.stderr).toMatch(/\d+% running: repetition \d of 4/);

  // The same spec against it passes: p50 no change, p99 not enough data.
  const sameMd = path.join(dir, "same.md");
  const same = await meshbench(
    ["run", basePath, "--baseline", baseReport.run.id, "--fail-on-regression", "--format", "markdown", "--output", sameMd],
    token,
    baseURL,
  );
  expect(same.code, `${same.stdout}\n${same.stderr}`).toBe(0);
  const sameText = await readFile(sameMd, "utf8");
  expect(sameText).toContain("### ✅ MeshBench: No regression");
  expect(sameText).toMatch(/\| p50 ≥ \+20% and \+2 ms \| ⚪ no change \|/);
  expect(sameText).toMatch(/\| p99 ≥ \+5% and \+50 µs \| ⚠️ not enough data \|/);
  // With --output the CI log still gets the text summary.
  expect(same.stdout).toMatch(/^No regression: /);

  // 10 ms of added service time: exit 1, and the markdown names the regression with its interval.
  const slowMd = path.join(dir, "slow.md");
  const slow = await meshbench(
    ["run", slowPath, "--baseline", baseReport.run.id, "--fail-on-regression", "--format", "markdown", "--output", slowMd],
    token,
    baseURL,
  );
  const slowText = await readFile(slowMd, "utf8");
  expect(slow.code, `${slowText}\n${slow.stderr}`).toBe(1);
  expect(slowText).toContain("### 🔴 MeshBench: Regression at p50");
  const row = slowText.split("\n").find((line) => line.startsWith("| p50 "));
  expect(row).toMatch(/\| 🔴 \*\*regressed\*\* \|/);
  // The interval of the change: both ends several ms above zero.
  expect(row).toMatch(/\| \+\d+\.\d+ ms … \+\d+\.\d+ ms \(\+\d+\.\d% … \+\d+\.\d%\) \|$/);
  expect(slowText).toContain("added service time 10 ms fixed");

  // The run page shows the added service time recorded in the spec.
  const slowId = /\/runs\/([A-Za-z0-9_-]+)\)/.exec(slowText)?.[1];
  await page.goto(`/runs/${slowId}`);
  await expect(page.getByTestId("spec-service-time")).toHaveText("10 ms fixed");

  // The other commands with the same token.
  const list = await meshbench(["runs", "list", "--limit", "5"], token, baseURL);
  expect(list.code).toBe(0);
  expect(list.stdout).toContain(`cli slowed ${stamp}`);
  const smp = await meshbench(["export", baseReport.run.id, "--format", "smp-json"], token, baseURL);
  expect(smp.code, smp.stderr).toBe(0);
  expect(JSON.parse(smp.stdout)).toHaveProperty("performanceTestResult.testId", baseReport.run.id);
  const hlog = await meshbench(["export", baseReport.run.id, "--format", "hlog"], token, baseURL);
  expect(hlog.code, hlog.stderr).toBe(0);
  // One interval line per repetition: start, length, max, then the compressed histogram.
  expect(hlog.stdout.match(/^(Tag=[^,]*,)?\d+\.\d+,\d+\.\d+,\d+\.\d+,HIST/gm)).toHaveLength(4);

  // Revoked on the Tokens page: refused at once, exit 4.
  await page.goto("/tokens");
  await page
    .locator("tr", { hasText: `ci ${stamp}` })
    .getByRole("button", { name: "Revoke" })
    .click();
  await expect(page.locator("tr", { hasText: `ci ${stamp}` })).toContainText("revoked");
  const revoked = await meshbench(["runs", "list"], token, baseURL);
  expect(revoked.code).toBe(4);
  expect(revoked.stderr).toContain("revoked");
});

test("a viewer's token reads but cannot start a run (exit 4); an unreachable server is exit 4 too", async ({ page, baseURL }) => {
  if (!baseURL) throw new Error("no baseURL");
  const dir = await mkdtemp(path.join(os.tmpdir(), "meshbench-cli-e2e-"));
  const spec = path.join(dir, "viewer.yaml");
  await writeFile(spec, specFile(`cli viewer ${Date.now()}`, null));
  await logIn(page, E2E_VIEWER);
  const token = await createToken(page, `viewer ci ${Date.now()}`, ["read", "run"]);

  const list = await meshbench(["runs", "list", "--format", "json"], token, baseURL);
  expect(list.code, list.stderr).toBe(0);
  expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);

  const refused = await meshbench(["run", spec, "--wait"], token, baseURL);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toContain("Only operators and admins can do this.");

  const closed = await freePort();
  const nowhere = await meshbench(["runs", "list"], token, `http://127.0.0.1:${closed}`);
  expect(nowhere.code).toBe(4);
  expect(nowhere.stderr).toContain("ECONNREFUSED");
});
