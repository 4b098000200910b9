import type { Session } from "next-auth";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from "~/core/histogram";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { runSummary, storeIterationResult } from "~/server/runs/store";
import { callerFor, createUser, sessionFor } from "./helpers";

/**
 * The tRPC route answers GET queries with a strong ETag and `private, no-cache`, and a repeat that
 * names the tag gets 304 without a body. The handler is called as Next calls it, with a Request;
 * only the session (read from Next's request cookies) is supplied by the test.
 */

const session: { current: Session | null } = { current: null };
vi.mock("~/server/auth/session", () => ({ getSession: async () => session.current }));

const { GET, POST } = await import("~/app/api/trpc/[trpc]/route");

const ORIGIN = new URL(env.NEXTAUTH_URL).origin;

function batchGet(procedures: string[], input: unknown, headers: Record<string, string> = {}): Request {
  const inputs = Object.fromEntries(procedures.map((_, i) => [i, { json: input }]));
  const url = `${ORIGIN}/api/trpc/${procedures.join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
  return new Request(url, { headers });
}

async function finishedRun(): Promise<string> {
  const run = await db.benchmarkRun.create({
    data: {
      name: "etag",
      mesh: "baseline",
      spec: runSpecSchema.parse({ mesh: "baseline", rate: 100, connections: 2, repetitions: 1 }),
      status: "RUNNING",
    },
  });
  const h = createLatencyHistogram();
  for (const v of [120, 180, 240, 3_000]) recordLatencyUs(h, v);
  await storeIterationResult(run.id, {
    iteration: 1,
    requestedQps: 100,
    actualQps: 99.5,
    count: 4,
    errors: {},
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: [4],
    measuredSeconds: 1,
    components: [],
    startedAt: new Date(),
    finishedAt: new Date(),
  });
  await db.benchmarkRun.update({ where: { id: run.id }, data: await runSummary(run.id) });
  await db.benchmarkRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", progress: 100, finishedAt: new Date() } });
  return run.id;
}

describe("tRPC GET queries are revalidated with a strong ETag", () => {
  let runId = "";
  let admin: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    admin = await createUser("ADMIN");
    session.current = sessionFor(await createUser("VIEWER"));
    runId = await finishedRun();
  });

  it("answers a repeat of the same read with 304 and no body", async () => {
    const first = await GET(batchGet(["runs.get"], { id: runId }), {});
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const body = await first.text();
    expect(body).toContain(runId);

    const repeat = await GET(batchGet(["runs.get"], { id: runId }, { "if-none-match": etag }), {});
    expect(repeat.status).toBe(304);
    expect(repeat.headers.get("etag")).toBe(etag);
    expect(await repeat.text()).toBe("");

    // Another tag, or none, gets the body again, identical.
    const stale = await GET(batchGet(["runs.get"], { id: runId }, { "if-none-match": '"other"' }), {});
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(body);
  });

  it("gives a new tag when the run changes (marked the profile baseline)", async () => {
    const read = (headers: Record<string, string> = {}) =>
      GET(batchGet(["runs.get", "compare.runStatus"], { id: runId, runId }, headers), {});
    const before = await read();
    expect(before.status).toBe(200);
    const etag = before.headers.get("etag") ?? "";
    expect((await read({ "if-none-match": etag })).status).toBe(304);

    await callerFor(sessionFor(admin)).compare.setBaseline({ runId, baseline: true });
    const after = await read({ "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(await after.text()).toContain('"isProfileBaseline":true');
  });

  it("leaves errors, anonymous callers and mutations without a tag", async () => {
    const missing = await GET(batchGet(["runs.get"], { id: "no-such-run" }), {});
    expect(missing.status).toBe(404);
    expect(missing.headers.get("etag")).toBeNull();

    const viewer = session.current;
    session.current = null;
    const anonymous = await GET(batchGet(["runs.get"], { id: runId }), {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("etag")).toBeNull();
    session.current = viewer;

    session.current = sessionFor(admin);
    const mutation = await POST(
      new Request(`${ORIGIN}/api/trpc/compare.setBaseline?batch=1`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ 0: { json: { runId, baseline: false } } }),
      }),
      {},
    );
    expect(mutation.status).toBe(200);
    expect(mutation.headers.get("etag")).toBeNull();
    session.current = viewer;
  });
});
