import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/** Files built to each tool's documented format (test/fixtures/imports/README.md); fortio's is the repository's fixture. */
const fixture = (dir: string, name: string) => path.resolve(import.meta.dirname, "../test/fixtures", dir, name);

test("an admin uploads result files on the Import page: the format is detected, the run opens with its provenance", async ({
  page,
}) => {
  await logIn(page, E2E_ADMIN);
  await page.getByRole("link", { name: "Import" }).click();
  await expect(page.getByRole("heading", { name: "Import results" })).toBeVisible();

  // fortio -json: a full histogram.
  await page.getByLabel(/Result file/).setInputFiles(fixture("fortio", "fixed-rate-1000qps.json"));
  await expect(page.getByTestId("detected-format")).toHaveText("Detected: fortio JSON (-json)");
  const name = `e2e fortio import ${Date.now()}`;
  await page.getByLabel("Run name").fill(name);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-done")).toContainText("Imported as fortio JSON (-json)");
  await page.getByTestId("imported-run-link").click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  const fortioId = page.url().split("/runs/")[1] ?? "";
  await expect(page.getByTestId("import-provenance")).toContainText("fixed-rate-1000qps.json");
  await expect(page.getByTestId("import-provenance")).toContainText(`by ${E2E_ADMIN.email}`);
  await expect(page.getByTestId("import-latency-data")).toHaveText("full histogram");
  await expect(page.getByTestId("stat-p50")).not.toHaveText("—");

  // k6 summary: percentiles only, and the run page says so.
  await page.goto("/import");
  await page.getByLabel(/Result file/).setInputFiles(fixture("imports", "k6-handle-summary.json"));
  await expect(page.getByTestId("detected-format")).toHaveText("Detected: k6 end-of-test summary JSON");
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-done")).toContainText("(percentiles only)");
  await page.getByTestId("imported-run-link").click();
  await expect(page.getByTestId("imported-tag")).toHaveText("imported: k6 · percentiles only");
  await expect(page.getByTestId("percentile-note")).toContainText("Percentiles only");
  await expect(page.getByTestId("percentile-table")).toContainText("p99");
  const k6Id = page.url().split("/runs/")[1] ?? "";

  // Side by side: the k6 run's percentiles carry no interval, and its difference is not judged.
  await page.goto(`/compare?runs=${fortioId},${k6Id}&baseline=${fortioId}`);
  const k6Row = page.locator(`tr[data-run-id="${k6Id}"]`);
  await expect(k6Row.getByTestId("ci-p99")).toHaveText("no interval: percentiles only");
  await expect(k6Row.getByTestId("overhead-p99")).toContainText("no interval: percentiles only");
  await expect(page.locator(`tr[data-run-id="${fortioId}"]`).getByTestId("ci-p99")).toHaveText(/–/);

  // A file of no known format: the server's error, and no run.
  await page.goto("/import");
  await page.getByLabel(/Result file/).setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(page.getByTestId("detected-format")).toHaveText(/Format not recognised/);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-error")).toHaveText(/notes\.txt: format not recognised/);

  // The runs list marks the imported runs.
  await page.goto("/");
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByTestId("imported-tag")).toHaveText("imported: fortio");
});

test("a viewer has no Import page", async ({ page }) => {
  await logIn(page, E2E_VIEWER);
  await expect(page.getByRole("link", { name: "Import" })).toHaveCount(0);
  await page.goto("/import");
  await expect(page.getByText("Only operators and admins can import results.")).toBeVisible();
});

/** The CLI as a user runs it in the repository (cli/bin/meshbench-dev.mjs), against this server. */
async function meshbench(args: string[], env: Record<string, string>) {
  const bin = path.resolve(import.meta.dirname, "../cli/bin/meshbench-dev.mjs");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

test("meshbench import <file>: an SMP file becomes a run, a bad file exits 2 with the reason", async ({ page, baseURL }) => {
  await logIn(page, E2E_ADMIN);
  const created = await page.request.post("/api/trpc/tokens.create", {
    data: { json: { name: "e2e cli import", scopes: ["run"], expiresInDays: 1 } },
  });
  expect(created.status()).toBe(200);
  const secret = ((await created.json()) as { result: { data: { json: { secret: string } } } }).result.data.json.secret;
  const env = { MESHBENCH_URL: baseURL ?? "", MESHBENCH_TOKEN: secret };

  const ok = await meshbench(["import", fixture("imports", "smp-result.yaml"), "--name", "e2e cli smp", "--mesh", "istio"], env);
  expect(ok.stderr).toBe("");
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/^Imported smp-result\.yaml as Service Mesh Performance \(SMP\) result \(percentiles only/);
  const url = /run \S+: (\S+)/.exec(ok.stdout)?.[1] ?? "";
  await page.goto(url);
  await expect(page.getByRole("heading", { name: "e2e cli smp" })).toBeVisible();
  await expect(page.getByTestId("import-provenance")).toContainText("smp-result.yaml");

  const bad = await meshbench(["import", fixture("imports", "README.md")], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/README\.md: format not recognised/);
});
