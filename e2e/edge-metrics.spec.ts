import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./accounts";
import { metricsToken, scrapeMetrics } from "./edge-metrics";
import { logIn } from "./login";

/** The values of the route label on the request counter. */
function routeLabels(exposition: string): Set<string> {
  const routes = new Set<string>();
  for (const match of exposition.matchAll(/^meshbench_http_requests_total\{[^}]*route="([^"]*)"/gm)) routes.add(match[1] ?? "");
  return routes;
}

const KNOWN = ["runs.list", "runs.get", "runs.meshes", "reports.list", "compare.regressions", "probes.listJobs"];
const randomName = () => `p${randomBytes(5).toString("hex")}.q${randomBytes(3).toString("hex")}`;
const shuffledKnown = () => Array.from({ length: 6 }, () => KNOWN[(randomBytes(1)[0] ?? 0) % KNOWN.length]).join(",");

test("/api/metrics answers only to the bearer token", async ({ request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { authorization: "Bearer wrong-token" } })).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { authorization: `Basic ${metricsToken()}` } })).status()).toBe(401);
  const ok = await request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken()}` } });
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain("meshbench_http_requests_total");
});

test("batches naming 500 random procedures add no metric series", async ({ page, request }) => {
  const before = await scrapeMetrics();
  const random: string[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const names = Array.from({ length: 100 }, randomName);
    random.push(...names);
    // Refused either way (edge-requests.spec.ts checks how); what matters here is what it leaves behind.
    const res = await request.get(`/api/trpc/${names.join(",")}?batch=1&input=%7B%7D`);
    expect(res.status()).toBeGreaterThanOrEqual(400);
  }
  // Known names, batched in ever-different combinations, anonymous and logged in.
  for (let i = 0; i < 20; i++) await request.get(`/api/trpc/${shuffledKnown()}?batch=1&input=%7B%7D`);
  await logIn(page, E2E_ADMIN);
  for (let i = 0; i < 20; i++) await page.request.get(`/api/trpc/${shuffledKnown()}?batch=1&input=%7B%7D`);
  await page.request.get(`/api/trpc/${Array.from({ length: 50 }, randomName).join(",")}?batch=1&input=%7B%7D`);

  const after = await scrapeMetrics();
  const routes = routeLabels(after);
  for (const route of routes) expect(route).toMatch(/^(unknown|[A-Za-z]+\.[A-Za-z]+)$/);
  for (const name of random) expect(after).not.toContain(name);
  expect(after.length - before.length).toBeLessThan(20_000);
});
