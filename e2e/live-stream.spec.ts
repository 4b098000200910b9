import { expect, type Page, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { logIn } from "./login";

/** The page's reads of runs (runs.get, runs.list), counted while `during` runs. */
async function runReadsDuring(page: Page, during: () => Promise<void>): Promise<number> {
  let reads = 0;
  const count = (request: { url(): string }) => {
    if (/\/api\/trpc\/[^?]*runs\.(get|list)/.test(request.url())) reads++;
  };
  page.on("request", count);
  try {
    await during();
  } finally {
    page.off("request", count);
  }
  return reads;
}

const progressOf = async (page: Page) => page.getByTestId("run-progress").textContent();

test("a running run's page is pushed its progress with no reads; with the stream cut it polls and says so", async ({ page }) => {
  await logIn(page, E2E_ADMIN);
  await page.goto("/runs/new");
  await page.getByLabel("Name").fill(`e2e live ${Date.now()}`);
  await page.getByLabel("Target rate (req/s)").fill("100");
  await page.getByLabel("Connections").fill("2");
  await page.getByLabel("Duration (s)").fill("60");
  await page.getByLabel("Warm-up (s)").fill("0");
  await page.getByLabel("Repetitions").fill("1");
  await page.getByRole("button", { name: "Start run" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("running", { timeout: 60_000 });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");

  // Stream open: the progress moves and the per-second figures arrive, and the page asks nothing.
  const before = await progressOf(page);
  const readsWhileLive = await runReadsDuring(page, async () => {
    await expect(page.getByTestId("run-last-second")).toContainText("p50");
    await expect.poll(() => progressOf(page), { timeout: 10_000 }).not.toBe(before);
    await page.waitForTimeout(3_000);
  });
  expect(readsWhileLive).toBe(0);

  // The stream refused from now on, and the page reloaded: it polls, and says so.
  await page.route("**/api/trpc/live.events**", (route) => route.abort());
  await page.reload();
  await expect(page.getByTestId("live-banner")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "polling");
  const polled = await progressOf(page);
  const readsWhilePolling = await runReadsDuring(page, async () => {
    await expect.poll(() => progressOf(page), { timeout: 10_000 }).not.toBe(polled);
  });
  expect(readsWhilePolling).toBeGreaterThan(0);

  // The stream back: the page says nothing any more and stops polling.
  await page.unroute("**/api/trpc/live.events**");
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live", { timeout: 30_000 });
  await expect(page.getByTestId("live-banner")).toHaveCount(0);

  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("cancelled", { timeout: 30_000 });
});
