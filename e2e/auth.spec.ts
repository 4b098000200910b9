import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";

test("pages other than login need a session", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/runs/new");
  await expect(page).toHaveURL(/\/login/);
});

test("a wrong password is refused", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator(".form-error")).toContainText("Wrong email or password");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("the tRPC API refuses anonymous callers", async ({ request }) => {
  const res = await request.get("/api/trpc/runs.list?input=%7B%22json%22%3A%7B%7D%7D");
  expect(res.status()).toBe(401);
});
