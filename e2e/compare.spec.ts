import { readFile } from "node:fs/promises";
import { expect, type Page, request, test } from "@playwright/test";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

/** tRPC over HTTP as the logged-in page: superjson envelopes, as the app's own client sends them. */
async function trpcMutation<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

const drawn = /^M[\d.,-]+[LC]/;

test("a viewer compares two runs, sees the charts, downloads both report formats; anonymous downloads are refused", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const names = { baseline: `e2e compare baseline ${stamp}`, nginx: `e2e compare nginx ${stamp}` };

  // An admin starts two short runs and, once they succeeded, generates both reports from the compare page.
  await logIn(page, E2E_ADMIN);
  const ids: string[] = [];
  for (const mesh of ["baseline", "nginx"] as const) {
    const { id } = await trpcMutation<{ id: string }>(page, "runs.create", {
      name: names[mesh],
      spec: { mesh, rate: 200, connections: 4, durationSeconds: 2, warmupSeconds: 1, payloadBytes: 256, repetitions: 1 },
    });
    ids.push(id);
  }
  for (const id of ids) {
    await expect
      .poll(async () => (await trpcQuery<{ status: string }>(page, "runs.get", { id })).status, { timeout: 120_000 })
      .toBe("SUCCEEDED");
  }
  await page.goto(`/compare?runs=${ids.join(",")}`);
  await expect(page.getByRole("heading", { name: "Compare 2 runs" })).toBeVisible();
  await page.getByRole("button", { name: "Generate PDF report" }).click();
  await page.getByRole("button", { name: "Generate HTML report" }).click();
  const reports = page.getByTestId("reports-panel");
  await expect(reports.getByTestId("download-PDF")).toBeVisible({ timeout: 90_000 });
  await expect(reports.getByTestId("download-HTML")).toBeVisible({ timeout: 90_000 });
  const reportIds = await reports
    .locator("tr[data-report-id]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-report-id")));
  expect(reportIds).toHaveLength(2);

  // A viewer ticks the two runs in the runs list and opens the comparison.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await logIn(viewer, E2E_VIEWER);
  const compareSelected = viewer.getByRole("button", { name: "Compare selected" });
  await expect(compareSelected).toBeDisabled();
  for (const id of ids) await viewer.locator(`tr[data-run-id="${id}"] input[type="checkbox"]`).check();
  await compareSelected.click();
  await expect(viewer).toHaveURL(new RegExp(`/compare\\?runs=${ids.join(",")}$`));
  await expect(viewer.getByRole("heading", { name: "Compare 2 runs" })).toBeVisible();

  // Figures: both runs with p99 values and their own intervals; the proxy pair's overhead against the
  // baseline, but one repetition each: no interval of the difference, no verdict, and the page says why.
  const summary = viewer.getByTestId("compare-summary");
  for (const [i, id] of ids.entries()) {
    const row = summary.locator(`tr[data-run-id="${id}"]`);
    await expect(row).toContainText(i === 0 ? names.baseline : names.nginx);
    await expect(row.getByTestId("value-p99")).toHaveText(/^\d+(\.\d+)? (µs|ms)( †)?\d+(\.\d+)? (µs|ms) – /);
  }
  await expect(summary.locator(`tr[data-run-id="${ids[0]}"]`)).toContainText("baseline");
  const overheadP99 = summary.locator(`tr[data-run-id="${ids[1]}"]`).getByTestId("overhead-p99");
  await expect(overheadP99).toHaveText(/^[+−]\d.*(µs|ms).*no interval: one repetition$/);
  await expect(overheadP99).toHaveAttribute("data-judged", "no");
  await expect(overheadP99.locator(".verdict-regressed, .verdict-improved")).toHaveCount(0);
  const headline = viewer.getByTestId("compare-headline");
  await expect(headline).toContainText(names.nginx);
  await expect(headline).toContainText(
    `The difference cannot be judged from one repetition (“${names.nginx}” and “${names.baseline}” were measured once)`,
  );
  await expect(headline).toContainText("Run them again with 3 or more repetitions.");
  await expect(headline).not.toContainText("95% CI");
  await expect(viewer.getByTestId("compare-warnings")).toContainText("no difference between it and another run can be judged");

  // Charts: two spectrum lines, bars with whiskers, throughput, CPU and memory per component.
  const spectrum = viewer.getByTestId("compare-spectrum").locator("path.recharts-curve");
  await expect(spectrum).toHaveCount(2);
  for (const line of await spectrum.all()) await expect(line).toHaveAttribute("d", drawn);
  await expect(viewer.getByTestId("compare-percentiles").locator(".recharts-bar-rectangle")).toHaveCount(6);
  await expect(viewer.getByTestId("compare-percentiles").locator(".recharts-errorBar").first()).toBeAttached();
  await expect(viewer.getByTestId("compare-throughput").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(viewer.getByTestId("compare-cpu").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(viewer.getByTestId("compare-memory").locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(viewer.getByTestId("compare-cpu")).toContainText("proxy-client");

  // Reports: the viewer cannot generate, but downloads both formats.
  const viewerReports = viewer.getByTestId("reports-panel");
  await expect(viewerReports.getByRole("button", { name: /Generate/ })).toHaveCount(0);
  const forbidden = await viewer.request.post("/api/trpc/reports.generate", {
    data: { json: { runIds: ids, formats: ["PDF"] } },
  });
  expect(forbidden.status()).toBe(403);

  const [pdfDownload] = await Promise.all([viewer.waitForEvent("download"), viewerReports.getByTestId("download-PDF").click()]);
  expect(pdfDownload.suggestedFilename()).toMatch(/^comparison-e2e-compare-baseline-.*\.pdf$/);
  const pdf = await readFile(await pdfDownload.path());
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.length).toBeGreaterThan(20_000);

  const [htmlDownload] = await Promise.all([viewer.waitForEvent("download"), viewerReports.getByTestId("download-HTML").click()]);
  expect(htmlDownload.suggestedFilename()).toMatch(/\.html$/);
  const html = await readFile(await htmlDownload.path(), "utf8");
  expect(html).toContain(names.baseline);
  expect(html).toContain(names.nginx);
  expect(html).not.toMatch(/https?:\/\//);
  // The report's summary says the same as the page: no interval of the difference, no verdict.
  const reportSummary = html.slice(html.indexOf('<section id="summary">'), html.indexOf('<section id="environment">'));
  expect(reportSummary).toContain(
    `The difference cannot be judged from one repetition (“${names.nginx}” and “${names.baseline}” were measured once)`,
  );
  expect(reportSummary).toContain("Run them again with 3 or more repetitions.");
  expect(reportSummary).toContain("no interval: one repetition");
  expect(reportSummary).not.toMatch(/95% CI|adds <b>|saves <b>|class="verdict-(regressed|improved)"/);

  // The download route's headers, for the viewer.
  const res = await viewer.request.get(`/api/reports/${reportIds[0]}`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="/);
  expect(res.headers()["content-type"]).toMatch(/^(application\/pdf|text\/html; charset=utf-8)$/);
  const csv = await viewer.request.get(`/api/reports/export?runs=${ids.join(",")}&format=csv`);
  expect(csv.status()).toBe(200);
  const csvText = await csv.text();
  expect(csvText).toContain(names.nginx);
  expect(csvText).toContain("single-repetition");
  await viewerContext.close();

  // Nobody logged in: refused.
  const anonymous = await request.newContext({ baseURL });
  for (const id of reportIds) expect((await anonymous.get(`/api/reports/${id}`)).status()).toBe(401);
  expect((await anonymous.get(`/api/reports/export?runs=${ids.join(",")}&format=csv`)).status()).toBe(401);
  expect((await anonymous.get(`/api/reports/smp/${ids[0]}`)).status()).toBe(401);
  await anonymous.dispose();
});

test("runs with three repetitions get an interval of the difference on the compare page and in the report", async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  await logIn(page, E2E_ADMIN);
  const ids: string[] = [];
  for (const mesh of ["baseline", "nginx"] as const) {
    const { id } = await trpcMutation<{ id: string }>(page, "runs.create", {
      name: `e2e thrice ${mesh} ${stamp}`,
      spec: { mesh, rate: 200, connections: 4, durationSeconds: 1, warmupSeconds: 0, payloadBytes: 256, repetitions: 3 },
    });
    ids.push(id);
  }
  for (const id of ids) {
    await expect
      .poll(async () => (await trpcQuery<{ status: string }>(page, "runs.get", { id })).status, { timeout: 120_000 })
      .toBe("SUCCEEDED");
  }
  await page.goto(`/compare?runs=${ids.join(",")}`);
  const overheadP99 = page.getByTestId("compare-summary").locator(`tr[data-run-id="${ids[1]}"]`).getByTestId("overhead-p99");
  await expect(overheadP99).toHaveText(/^[+−]?\d.*(µs|ms) \([+−]?\d+\.\d%\)[+−]?\d.*(µs|ms) … [+−]?\d/);
  await expect(overheadP99).toHaveAttribute("data-judged", "yes");
  const headline = page.getByTestId("compare-headline");
  await expect(headline).toContainText("95% CI");
  await expect(headline).not.toContainText("cannot be judged");
  await expect(headline.getByTestId("headline-unjudged")).toHaveCount(0);

  await page.getByRole("button", { name: "Generate HTML report" }).click();
  const reports = page.getByTestId("reports-panel");
  await expect(reports.getByTestId("download-HTML")).toBeVisible({ timeout: 90_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), reports.getByTestId("download-HTML").click()]);
  const html = await readFile(await download.path(), "utf8");
  const reportSummary = html.slice(html.indexOf('<section id="summary">'), html.indexOf('<section id="environment">'));
  expect(reportSummary).toMatch(/95% CI [+−]/);
  expect(reportSummary).not.toContain("cannot be judged");
});
