import { describe, expect, it } from "vitest";
import { hasBearerToken } from "~/server/http/bearer-token";
import { declaredBodyTooLarge, MAX_REQUEST_BODY_BYTES, readBodyWithinLimit } from "~/server/http/body-limit";
import { isCrossSiteRequest } from "~/server/http/same-origin";
import { observed, UNKNOWN_ROUTE, webMetrics } from "~/server/metrics/registry";

const APP = "http://localhost:3000";
const headers = (entries: Record<string, string>) => new Headers(entries);

describe("cross-site requests", () => {
  it("refuses a state change whose Origin is another site's, or whose Sec-Fetch-Site says it crossed sites", () => {
    const host = { host: "localhost:3000" };
    expect(isCrossSiteRequest("POST", headers({ ...host, origin: "https://evil.example" }), APP)).toBe(true);
    expect(isCrossSiteRequest("DELETE", headers({ ...host, origin: "null" }), APP)).toBe(true);
    expect(isCrossSiteRequest("POST", headers({ ...host, origin: "http://localhost:3000.evil.example" }), APP)).toBe(true);
    expect(isCrossSiteRequest("POST", headers({ ...host, "sec-fetch-site": "cross-site" }), APP)).toBe(true);
    expect(isCrossSiteRequest("POST", headers({ ...host, "sec-fetch-site": "same-site" }), APP)).toBe(true);
  });

  it("lets the app's own origin, the Host the request was sent to, reads and non-browser clients through", () => {
    expect(isCrossSiteRequest("POST", headers({ host: "localhost:3000", origin: APP }), APP)).toBe(false);
    expect(isCrossSiteRequest("POST", headers({ host: "bench.internal", origin: "https://bench.internal" }), APP)).toBe(false);
    expect(isCrossSiteRequest("POST", headers({ host: "bench.internal:443", origin: "https://bench.internal" }), APP)).toBe(
      false,
    );
    expect(isCrossSiteRequest("POST", headers({ host: "localhost:3000", "sec-fetch-site": "same-origin" }), APP)).toBe(false);
    expect(isCrossSiteRequest("POST", headers({ host: "localhost:3000" }), APP)).toBe(false);
    expect(isCrossSiteRequest("GET", headers({ host: "localhost:3000", origin: "https://evil.example" }), APP)).toBe(false);
  });
});

describe("request body limit", () => {
  const stream = (sizes: number[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const size of sizes) controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    });

  it("refuses a declared length over the limit before reading anything", () => {
    expect(declaredBodyTooLarge(headers({ "content-length": String(MAX_REQUEST_BODY_BYTES + 1) }))).toBe(true);
    expect(declaredBodyTooLarge(headers({ "content-length": String(200 * 1024 * 1024) }))).toBe(true);
    expect(declaredBodyTooLarge(headers({ "content-length": String(MAX_REQUEST_BODY_BYTES) }))).toBe(false);
    expect(declaredBodyTooLarge(headers({}))).toBe(false);
  });

  it("counts a chunked body as it arrives and stops reading at the limit", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    expect(await readBodyWithinLimit(endless)).toBeNull();
    expect(pulled).toBeLessThan(MAX_REQUEST_BODY_BYTES + 256 * 1024);
    expect(await readBodyWithinLimit(stream([MAX_REQUEST_BODY_BYTES, 1]))).toBeNull();
    expect((await readBodyWithinLimit(stream([MAX_REQUEST_BODY_BYTES - 10, 10])))?.byteLength).toBe(MAX_REQUEST_BODY_BYTES);
  });
});

describe("metrics token", () => {
  const token = "t".repeat(43);
  it("accepts exactly `Bearer <token>`", () => {
    expect(hasBearerToken(`Bearer ${token}`, token)).toBe(true);
    expect(hasBearerToken(`bearer ${token}`, token)).toBe(true);
    expect(hasBearerToken(`Bearer ${token}x`, token)).toBe(false);
    expect(hasBearerToken(`Basic ${token}`, token)).toBe(false);
    expect(hasBearerToken(null, token)).toBe(false);
    expect(hasBearerToken("Bearer ", token)).toBe(false);
  });
});

describe("request metric labels", () => {
  it("records procedures outside the known set under one label, so request paths cannot mint series", async () => {
    const known = new Set(["runs.list", "runs.get"]);
    const routes = async () => new Set((await webMetrics().requests.get()).values.map((v) => v.labels.route));
    for (let i = 0; i < 500; i++) {
      await observed([`random.p${i}`, "runs.list", "runs.get"], known, async () => new Response(null, { status: 401 }));
    }
    expect(await routes()).toEqual(new Set([UNKNOWN_ROUTE, "runs.list", "runs.get"]));
  });
});
