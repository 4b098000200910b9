import { expect, test } from "@playwright/test";
import { E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

test("a viewer sees runs but cannot start or cancel them", async ({ page }) => {
  await logIn(page, E2E_VIEWER);
  await expect(page.getByRole("heading", { name: "Benchmark runs" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New run" })).toHaveCount(0);

  await page.goto("/runs/new");
  await expect(page.getByText("Only operators and admins can start runs")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start run" })).toHaveCount(0);

  // Calling the mutation directly, with the viewer's session cookie, is refused by the server.
  const res = await page.request.post("/api/trpc/runs.create", {
    data: { json: { name: "sneaky", spec: { mesh: "baseline", rate: 100, connections: 2, durationSeconds: 1 } } },
  });
  expect(res.status()).toBe(403);
  const body = (await res.json()) as { error: { json: { data: { code: string } } } };
  expect(body.error.json.data.code).toBe("FORBIDDEN");
  const cancel = await page.request.post("/api/trpc/runs.cancel", { data: { json: { id: "whatever" } } });
  expect(cancel.status()).toBe(403);
});
