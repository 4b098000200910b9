import { expect, test } from "@playwright/test";

/** The health endpoints through the production server's edge (proxy.ts), anonymous, as a probe calls them. */

test("liveness and readiness answer anonymous probes with JSON, through the edge", async ({ request }) => {
  const live = await request.get("/api/health/live");
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  expect(live.headers()["cache-control"]).toBe("no-store");

  // A probe from elsewhere (another host name, a foreign Origin) is still answered: GETs change nothing.
  const ready = await request.get("/api/health/ready", { headers: { origin: "https://probe.example" } });
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: "ok", checks: { postgres: { status: "ok" }, redis: { status: "ok" } } });
  expect(ready.headers()["content-type"]).toContain("application/json");

  // Not a way in: anything else under /api/health is an ordinary 404, and a POST is not a probe.
  expect((await request.get("/api/health/other")).status()).toBe(404);
  expect((await request.post("/api/health/live")).status()).toBe(405);
});
