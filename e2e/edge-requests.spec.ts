import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { cookieHeader, rawRequest, sendHugeBody } from "./edge-http";
import { scrapeMetrics } from "./edge-metrics";
import { logIn } from "./login";

const MUTATION = "/api/trpc/reports.delete";
const mutationBody = { json: { id: "no-such-report" } };

test("a mutation POSTed from a foreign Origin with an admin session is refused with 403 before it runs", async ({ page }) => {
  await logIn(page, E2E_ADMIN);
  const foreign = await page.request.post(MUTATION, { data: mutationBody, headers: { origin: "https://evil.example" } });
  expect(foreign.status()).toBe(403);
  expect(await foreign.text()).toContain("Cross-site request refused");

  // No Origin, but the browser says the request crossed sites.
  const crossSite = await page.request.post(MUTATION, { data: mutationBody, headers: { "sec-fetch-site": "cross-site" } });
  expect(crossSite.status()).toBe(403);
  // A sandboxed frame's opaque origin is not ours either.
  const opaque = await page.request.post(MUTATION, { data: mutationBody, headers: { origin: "null" } });
  expect(opaque.status()).toBe(403);
  // next-auth's own POSTs (sign-in, sign-out) are guarded too.
  const signOut = await page.request.post("/api/auth/signout", { form: {}, headers: { origin: "https://evil.example" } });
  expect(signOut.status()).toBe(403);

  // The app's own origin reaches the procedure, which answers for itself (no such report).
  const own = await page.request.post(MUTATION, { data: mutationBody, headers: { origin: new URL(page.url()).origin } });
  expect(own.status()).toBe(404);
});

test("an anonymous caller gets 401 for every procedure name, known or not", async ({ request }) => {
  const input = `?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`;
  for (const path of ["runs.list", "no.such.procedure", "runs.doesNotExist", "x"]) {
    expect((await request.get(`/api/trpc/${path}${input}`)).status(), `GET ${path}`).toBe(401);
    expect((await request.post(`/api/trpc/${path}`, { data: { json: {} } })).status(), `POST ${path}`).toBe(401);
  }
  const batch = await request.get(`/api/trpc/runs.list,no.such.thing?batch=1&input=${encodeURIComponent("{}")}`);
  expect(batch.status()).toBe(401);
  const calls = (await batch.json()) as { error: { json: { data: { code: string } } } }[];
  expect(calls.map((c) => c.error.json.data.code)).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
});

test("a 200 MB request body is refused with 413 and never held in memory", async ({ page }) => {
  test.setTimeout(240_000);
  await logIn(page, E2E_ADMIN);
  const cookie = await cookieHeader(page);
  const rss = async () => Number(/^meshbench_web_process_resident_memory_bytes (\S+)$/m.exec(await scrapeMetrics())?.[1]);
  const before = await rss();
  const size = 200 * 1024 * 1024;
  expect(await sendHugeBody("/api/trpc/runs.create", size, { chunked: false, cookie })).toBe(413);
  expect(await sendHugeBody("/api/trpc/runs.create", size, { chunked: true, cookie })).toBe(413);
  expect(await sendHugeBody("/api/auth/callback/credentials", size, { chunked: true })).toBe(413);
  // Just over the limit is refused too; just under it reaches the procedure (which rejects the input).
  expect(await sendHugeBody("/api/trpc/runs.create", 1024 * 1024 + 1, { chunked: true, cookie })).toBe(413);
  const under = await rawRequest({
    method: "POST",
    path: "/api/trpc/runs.create",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ json: { name: "x".repeat(1000 * 1024) } }),
  });
  expect(under.status).toBe(400);
  expect(await rss()).toBeLessThan(before + 100 * 1024 * 1024);
});
