import { type Browser, expect, request, test } from "@playwright/test";
import { createEdgeAccount } from "./edge-http";
import { logIn } from "./login";

/** A signed-in browser context and the cookies it holds right now. */
async function signedIn(browser: Browser, account: { email: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, account);
  return { context, page, cookies: await context.cookies() };
}

/** A fresh client that replays stolen cookies, as an attacker holding an old cookie would. */
async function statusWithCookies(baseURL: string, cookies: Awaited<ReturnType<typeof signedIn>>["cookies"]) {
  const client = await request.newContext({ baseURL, storageState: { cookies, origins: [] } });
  const res = await client.get("/api/trpc/runs.list?input=%7B%22json%22%3A%7B%7D%7D");
  await client.dispose();
  return res.status();
}

test("a signed-out session's cookie reads nothing any more", async ({ browser, baseURL }) => {
  const account = createEdgeAccount();
  const session = await signedIn(browser, account);
  expect(await statusWithCookies(baseURL ?? "", session.cookies)).toBe(200);
  await session.page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(session.page).toHaveURL(/\/login/);
  expect(await statusWithCookies(baseURL ?? "", session.cookies)).toBe(401);
  await session.context.close();
});

test("'Sign out everywhere' ends the account's sessions in other browsers too", async ({ browser, baseURL }) => {
  const account = createEdgeAccount();
  const laptop = await signedIn(browser, account);
  const phone = await signedIn(browser, account);
  await laptop.page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(laptop.page).toHaveURL(/\/login/);
  expect(await statusWithCookies(baseURL ?? "", phone.cookies)).toBe(401);
  await phone.page.reload();
  await expect(phone.page).toHaveURL(/\/login/);
  await laptop.context.close();
  await phone.context.close();
});
