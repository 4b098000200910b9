import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { HEARTBEAT_TIMEOUT_MS, reconcileRuns } from "~/worker/jobs/reconcile";

const spec = {
  backend: "LOCAL",
  mesh: "baseline",
  mode: "fixed-rate",
  rate: 100,
  connections: 2,
  durationSeconds: 1,
  warmupSeconds: 0,
  payloadBytes: 0,
  repetitions: 1,
};

async function clear() {
  await runQueue().obliterate({ force: true });
  await db.benchmarkRun.deleteMany();
}

describe("reconciler: PostgreSQL is the source of truth", () => {
  beforeEach(clear);
  afterAll(clear);

  it("re-enqueues QUEUED runs whose job is missing, once", async () => {
    const run = await db.benchmarkRun.create({ data: { name: "orphan", mesh: "baseline", spec } });
    const first = await reconcileRuns();
    expect(first.reenqueued).toEqual([run.id]);
    expect((await runQueue().getJob(run.id))?.data.runId).toBe(run.id);
    const second = await reconcileRuns();
    expect(second.reenqueued).toEqual([]);
  });

  it("fails RUNNING runs whose worker went silent, and leaves live ones alone", async () => {
    const stale = await db.benchmarkRun.create({
      data: {
        name: "stale",
        mesh: "baseline",
        spec,
        status: "RUNNING",
        heartbeatAt: new Date(Date.now() - HEARTBEAT_TIMEOUT_MS - 5_000),
      },
    });
    const live = await db.benchmarkRun.create({
      data: { name: "live", mesh: "baseline", spec, status: "RUNNING", heartbeatAt: new Date() },
    });
    const report = await reconcileRuns();
    expect(report.failedStale).toEqual([stale.id]);
    const after = await db.benchmarkRun.findUniqueOrThrow({ where: { id: stale.id } });
    expect(after.status).toBe("FAILED");
    expect(after.error).toMatch(/stopped responding/);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("RUNNING");
  });
});
