import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { logIn } from "./login";

test("an admin creates a short run, watches it finish and sees the charts", async ({ page }) => {
  await logIn(page, E2E_ADMIN);
  await page.getByRole("link", { name: "New run" }).first().click();
  await expect(page.getByRole("heading", { name: "New benchmark run" })).toBeVisible();

  // Inline validation: nothing is sent while the form is invalid.
  await page.getByLabel("Target rate (req/s)").fill("0");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByText("Give the run a name")).toBeVisible();
  await expect(page.locator(".field.invalid #rate")).toBeVisible();
  await expect(page).toHaveURL(/\/runs\/new$/);

  const name = `e2e nginx ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Mesh profile").selectOption("nginx");
  await page.getByLabel("Target rate (req/s)").fill("200");
  await page.getByLabel("Connections").fill("4");
  await page.getByLabel("Duration (s)").fill("3");
  await page.getByLabel("Warm-up (s)").fill("1");
  // The form proposes three repetitions; one keeps this test short.
  await expect(page.getByLabel("Repetitions")).toHaveValue("3");
  await page.getByLabel("Repetitions").fill("1");
  await page.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 90_000 });

  // Real figures, and a chart with a drawn line.
  await expect(page.getByTestId("stat-p50")).toHaveText(/\d+(\.\d+)? (µs|ms)/);
  await expect(page.getByTestId("stat-throughput")).toHaveText(/\d+ rps/);
  // A drawn line has a path with at least one segment ("M x,y L x,y ...").
  await expect(page.getByTestId("latency-chart").locator("path.recharts-curve")).toHaveAttribute("d", /^M[\d.,-]+[LC]/);
  await expect(page.getByTestId("throughput-chart").locator("path.recharts-curve").first()).toHaveAttribute(
    "d",
    /^M[\d.,-]+[LC]/,
  );
  await expect(page.getByTestId("percentile-table")).toContainText("p99.9");

  await page.getByRole("link", { name: "Runs" }).click();
  const row = page.locator("tr", { hasText: name });
  await expect(row.getByTestId("run-status")).toHaveText("succeeded");
});

test("live charts gain points while a run is in progress; an admin cancels it", async ({ page }) => {
  await logIn(page, E2E_ADMIN);
  await page.goto("/runs/new");
  await page.getByLabel("Name").fill(`e2e cancel ${Date.now()}`);
  await page.getByLabel("Target rate (req/s)").fill("100");
  await page.getByLabel("Connections").fill("2");
  await page.getByLabel("Duration (s)").fill("120");
  await page.getByLabel("Repetitions").fill("1");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("running", { timeout: 60_000 });

  const points = async (chart: string) => Number(await page.getByTestId(chart).getAttribute("data-points"));
  for (const chart of ["live-latency", "live-throughput", "live-cpu", "live-memory"]) {
    await expect.poll(() => points(chart), { message: chart, timeout: 30_000 }).toBeGreaterThan(1);
  }
  const before = await points("live-throughput");
  await expect.poll(() => points("live-throughput"), { timeout: 10_000 }).toBeGreaterThan(before);
  await expect(page.getByText("live from Prometheus")).toBeVisible();

  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("cancelled", { timeout: 30_000 });
  await expect(page.getByTestId("run-error")).toContainText("Cancelled");
});
