import { type Browser, expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_VIEWER } from "./accounts";
import { logIn } from "./login";

const RUNS_LIST = `/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test("an admin creates an operator (invite link) and a viewer (temporary password); the operator creates a token", async ({
  page,
  browser,
}) => {
  const stamp = Date.now();
  const operatorEmail = `operator-${stamp}@test.local`;
  const viewerEmail = `viewer-${stamp}@test.local`;

  await logIn(page, E2E_ADMIN);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();

  await page.getByLabel("Email").fill(operatorEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("OPERATOR");
  await page.getByLabel("invite link (the user sets a password)").check();
  await page.getByRole("button", { name: "Create user" }).click();
  const inviteUrl = (await page.getByTestId("invite-link").textContent()) ?? "";
  expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId(`user-${operatorEmail}`)).toContainText("invited");

  await page.getByLabel("Email").fill(viewerEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByLabel("temporary password").check();
  await page.getByRole("button", { name: "Create user" }).click();
  const temporaryPassword = (await page.getByTestId("temporary-password").textContent()) ?? "";
  expect(temporaryPassword.length).toBeGreaterThanOrEqual(16);
  await expect(page.getByTestId(`user-${viewerEmail}`)).toContainText("active");
  // Shown once: a reload does not bring the secret back.
  await page.reload();
  await expect(page.getByTestId("temporary-password")).toHaveCount(0);

  // The operator follows the invite link, sets a password and logs in.
  const operator = await newPage(browser);
  await operator.page.goto(inviteUrl);
  await operator.page.getByLabel("New password").fill("operator's own password");
  await operator.page.getByLabel("Repeat it").fill("operator's own password");
  await operator.page.getByRole("button", { name: "Set password" }).click();
  await expect(operator.page.getByText(`Your password is set for ${operatorEmail}`)).toBeVisible();
  await logIn(operator.page, { email: operatorEmail, password: "operator's own password" });
  await expect(operator.page.locator(".badge.role")).toHaveText("operator");
  await expect(operator.page.getByRole("link", { name: "New run" }).first()).toBeVisible();
  await expect(operator.page.getByRole("link", { name: "Users" })).toHaveCount(0);

  await operator.page.getByRole("link", { name: "Tokens" }).click();
  await operator.page.getByLabel("Name", { exact: true }).fill("CI of my service");
  await operator.page.getByRole("button", { name: "Create token" }).click();
  const token = (await operator.page.getByTestId("new-token").textContent()) ?? "";
  expect(token).toMatch(/^mb_[0-9A-Za-z]{49}$/);
  const row = operator.page.getByTestId("api-tokens").getByRole("row", { name: /CI of my service/ });
  await expect(row).toContainText("read, run");
  await expect(row).toContainText("never");
  await expect(row).not.toContainText(token);

  // The token works from a program: no cookie, no Origin; and no cookie comes back.
  const withToken = await fetch(new URL(RUNS_LIST, operator.page.url()), { headers: { authorization: `Bearer ${token}` } });
  expect(withToken.status).toBe(200);
  expect(withToken.headers.get("set-cookie")).toBeNull();
  await operator.page.reload();
  await expect(operator.page.getByTestId("new-token")).toHaveCount(0);
  await expect(row).not.toContainText("never");

  // The admin sees the token among everyone's and revokes it: refused from the next request on.
  await page.goto("/tokens");
  const adminRow = page.getByTestId("all-api-tokens").getByRole("row", { name: new RegExp(operatorEmail) });
  await adminRow.getByRole("button", { name: "Revoke" }).click();
  await expect(adminRow).toContainText("revoked");
  const revoked = await fetch(new URL(RUNS_LIST, page.url()), { headers: { authorization: `Bearer ${token}` } });
  expect(revoked.status).toBe(401);
  expect(await revoked.text()).toContain("revoked");

  // The audit log names who did it.
  await page.getByRole("link", { name: "Audit log" }).click();
  await page.getByLabel("User", { exact: true }).fill(operatorEmail);
  await page.getByRole("button", { name: "Filter" }).click();
  const events = page.getByTestId("audit-events");
  await expect(events).toContainText("token.create");
  await expect(events).toContainText("user.invite_accepted");
  await operator.context.close();

  // The viewer logs in with the temporary password.
  const viewer = await newPage(browser);
  await logIn(viewer.page, { email: viewerEmail, password: temporaryPassword });
  await expect(viewer.page.locator(".badge.role")).toHaveText("viewer");
  await viewer.context.close();
});

test("a viewer cannot see the admin pages nor call their procedures", async ({ page }) => {
  await logIn(page, E2E_VIEWER);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  for (const path of ["/admin/users", "/admin/audit"]) {
    await page.goto(path);
    await expect(page.getByTestId("admins-only")).toHaveText("Only admins can see this page.");
    await expect(page.getByRole("button", { name: "Create user" })).toHaveCount(0);
  }
  await page.goto("/tokens");
  await expect(page.getByRole("heading", { name: "Every user's tokens" })).toHaveCount(0);
  const users = await page.request.get(`/api/trpc/users.list`);
  expect(users.status()).toBe(403);
  const create = await page.request.post("/api/trpc/users.create", {
    data: { json: { email: "sneaky@test.local", role: "ADMIN", method: "password" } },
  });
  expect(create.status()).toBe(403);
  const audit = await page.request.get("/api/audit/export");
  expect(audit.status()).toBe(403);
});
