import path from "node:path";
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
