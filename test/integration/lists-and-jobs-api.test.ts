import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { isLocalBenchmarkRunning } from "~/server/runs/store";
import { callerFor, createUser, expectCode, sessionFor } from "./helpers";

/**
 * The procedures no other test reaches: the compare page's candidates, the reports list's paging
 * and waiting flag, deleting a report, cancelling a probe job, and the errors of marking a baseline.
 * Each test works on rows named with this file's tag, so rows of other tests never change its answers.
 */

const TAG = `lists-${randomUUID().slice(0, 8)}`;
const spec = runSpecSchema.parse({ backend: "LOCAL", mesh: "baseline", rate: 100, connections: 2 });

async function createRunRow(
  name: string,
  data: { status?: "SUCCEEDED" | "FAILED" | "RUNNING"; mesh?: string; createdAt?: Date },
) {
  return db.benchmarkRun.create({
    data: { name: `${TAG} ${name}`, mesh: data.mesh ?? "baseline", spec, status: data.status, createdAt: data.createdAt },
  });
}

describe("lists and jobs through tRPC", () => {
  let admin: Awaited<ReturnType<typeof createUser>>;
  let viewer: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    admin = await createUser("ADMIN");
    viewer = await createUser("VIEWER");
  });
  afterAll(async () => {
    await db.report.deleteMany({ where: { title: { startsWith: TAG } } });
    await db.probeJob.deleteMany({ where: { createdById: admin.id } });
    await db.benchmarkRun.deleteMany({ where: { name: { startsWith: TAG } } });
  });

  it("compare.candidates pages through succeeded runs only, newest first, by search and mesh", async () => {
    const same = new Date("2026-11-03T12:00:00Z");
    for (let i = 0; i < 7; i++) {
      await createRunRow(`Cand ${i}`, {
        status: i === 3 ? "FAILED" : "SUCCEEDED",
        mesh: i % 2 === 0 ? "nginx" : "baseline",
        createdAt: new Date(same.getTime() - Math.floor(i / 2) * 1000),
      });
    }
    const caller = callerFor(sessionFor(viewer));
    const all = async (filter: { mesh?: "nginx" }) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof caller.compare.candidates>> = await caller.compare.candidates({
          search: `${TAG.toUpperCase()} cand`,
          limit: 2,
          cursor,
          ...filter,
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        names.push(...page.items.map((r) => r.name));
        cursor = page.nextCursor;
      } while (cursor);
      return names;
    };
    const expected = async (mesh?: string) =>
      (
        await db.benchmarkRun.findMany({
          where: { name: { startsWith: `${TAG} Cand` }, status: "SUCCEEDED", mesh },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          select: { name: true },
        })
      ).map((r) => r.name);
    expect(await all({})).toEqual(await expected());
    expect(await all({})).toHaveLength(6);
    expect(await all({ mesh: "nginx" })).toEqual(await expected("nginx"));
    await expectCode(caller.compare.candidates({ cursor: "not an id" }), "BAD_REQUEST");
  });

  it("reports.list pages through exactly one set of runs' reports, and says when they wait for a local benchmark", async () => {
    const a = await createRunRow("report a", { status: "SUCCEEDED" });
    const b = await createRunRow("report b", { status: "SUCCEEDED" });
    for (let i = 0; i < 5; i++) {
      await db.report.create({ data: { runIds: [a.id, b.id], format: "HTML", title: `${TAG} report ${i}` } });
    }
    // A superset of the runs is another comparison: not listed.
    const c = await createRunRow("report c", { status: "SUCCEEDED" });
    await db.report.create({ data: { runIds: [a.id, b.id, c.id], format: "HTML", title: `${TAG} superset` } });

    const caller = callerFor(sessionFor(viewer));
    const titles: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.reports.list>> = await caller.reports.list({
        runIds: [b.id, a.id],
        limit: 2,
        cursor,
      });
      expect(Object.keys(page).sort()).toEqual(["items", "nextCursor", "waitingForBenchmark"]);
      titles.push(...page.items.map((r) => r.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(titles.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${TAG} report ${i}`));

    const running = await createRunRow("local benchmark", { status: "RUNNING" });
    expect(await isLocalBenchmarkRunning()).toBe(true);
    expect((await caller.reports.list({ runIds: [a.id, b.id] })).waitingForBenchmark).toBe(true);
    await db.benchmarkRun.delete({ where: { id: running.id } });
    expect((await caller.reports.list({ runIds: [a.id, b.id] })).waitingForBenchmark).toBe(false);
  });

  it("reports.delete: unknown is NOT_FOUND, one being rendered is a CONFLICT, any other is gone", async () => {
    const run = await createRunRow("deleted report", { status: "SUCCEEDED" });
    const rendering = await db.report.create({
      data: { runIds: [run.id], format: "PDF", title: `${TAG} rendering`, status: "RUNNING" },
    });
    const done = await db.report.create({ data: { runIds: [run.id], format: "PDF", title: `${TAG} done`, status: "SUCCEEDED" } });
    const caller = callerFor(sessionFor(admin));
    await expectCode(callerFor(sessionFor(viewer)).reports.delete({ id: done.id }), "FORBIDDEN");
    await expectCode(caller.reports.delete({ id: "no-such-report" }), "NOT_FOUND");
    await expectCode(caller.reports.delete({ id: rendering.id }), "CONFLICT");
    expect(await caller.reports.delete({ id: done.id })).toEqual({ id: done.id });
    expect(await db.report.count({ where: { id: done.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "report.delete", target: done.id } })).toBe(1);
  });

  it("probes.cancelJob: a queued job ends at once, a running one is flagged, a finished one is a CONFLICT", async () => {
    const job = (status: "QUEUED" | "RUNNING" | "SUCCEEDED") =>
      db.probeJob.create({ data: { probe: "runqlat", durationSeconds: 5, status, createdById: admin.id } });
    const [queued, running, finished] = [await job("QUEUED"), await job("RUNNING"), await job("SUCCEEDED")];
    const caller = callerFor(sessionFor(admin));
    await expectCode(callerFor(sessionFor(viewer)).probes.cancelJob({ id: queued.id }), "FORBIDDEN");

    expect(await caller.probes.cancelJob({ id: queued.id })).toEqual({ id: queued.id });
    expect(await db.probeJob.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
      status: "CANCELLED",
      error: "Cancelled before it started",
    });
    await caller.probes.cancelJob({ id: running.id });
    const flagged = await db.probeJob.findUniqueOrThrow({ where: { id: running.id } });
    expect(flagged.status).toBe("RUNNING");
    expect(flagged.cancelRequestedAt).not.toBeNull();
    await expectCode(caller.probes.cancelJob({ id: finished.id }), "CONFLICT");
    await expectCode(caller.probes.cancelJob({ id: "no-such-job" }), "CONFLICT");
    expect(await db.auditEvent.count({ where: { action: "probe.cancel", target: { in: [queued.id, running.id] } } })).toBe(2);
  });

  it("compare.setBaseline refuses an unknown run and an unfinished one, and changes nothing", async () => {
    const failed = await createRunRow("failed baseline", { status: "FAILED" });
    const caller = callerFor(sessionFor(admin));
    await expectCode(caller.compare.setBaseline({ runId: "no-such-run", baseline: true }), "NOT_FOUND");
    const refused = await expectCode(caller.compare.setBaseline({ runId: failed.id, baseline: true }), "CONFLICT");
    expect(refused.message).toBe("Only a succeeded run can be a baseline.");
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: failed.id } })).isProfileBaseline).toBe(false);
    const status = await callerFor(sessionFor(viewer)).compare.runStatus({ runId: failed.id });
    expect(status).toMatchObject({ isProfileBaseline: false, canBeBaseline: false, regression: null });
  });

  it("every procedure refuses an id that is not one with BAD_REQUEST", async () => {
    const caller = callerFor(sessionFor(admin));
    await expectCode(caller.runs.get({ id: "a b" }), "BAD_REQUEST");
    await expectCode(caller.runs.cancel({ id: "" }), "BAD_REQUEST");
    await expectCode(caller.probes.getJob({ id: "x".repeat(65) }), "BAD_REQUEST");
    await expectCode(caller.metrics.run({ runId: "../etc" }), "BAD_REQUEST");
    await expectCode(caller.reports.generate({ runIds: ["a,b"], formats: ["HTML"] }), "BAD_REQUEST");
  });
});
