import { Worker } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { enqueueProbeJob, PROBE_QUEUE_NAME, probeQueue } from "~/server/queue/probe-queue";
import { createRedis } from "~/server/queue/redis";
import { reportQueue } from "~/server/queue/report-queue";
import { runQueue } from "~/server/queue/run-queue";
import { HEARTBEAT_TIMEOUT_MS, reconcileReports, reconcileRowJobs, reconcileRuns } from "~/worker/jobs/reconcile";
import { TINY_LOCAL_SPEC } from "./helpers";

const spec = TINY_LOCAL_SPEC;

const staleHeartbeat = () => new Date(Date.now() - HEARTBEAT_TIMEOUT_MS - 5_000);

async function clear() {
  await runQueue().obliterate({ force: true });
  await probeQueue().obliterate({ force: true });
  await reportQueue().obliterate({ force: true });
  await db.benchmarkRun.deleteMany();
  await db.probeJob.deleteMany();
  await db.report.deleteMany();
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

  it("re-enqueues QUEUED probe jobs whose job is missing, once, into the probe queue", async () => {
    const job = await db.probeJob.create({ data: { probe: "runqlat", durationSeconds: 5 } });
    const first = await reconcileRuns();
    expect(first.reenqueued).toEqual([job.id]);
    expect((await probeQueue().getJob(job.id))?.data.probeJobId).toBe(job.id);
    expect(await runQueue().getJob(job.id)).toBeUndefined();
    expect((await reconcileRuns()).reenqueued).toEqual([]);
  });

  it("re-enqueues a QUEUED probe job whose BullMQ job already completed", async () => {
    const job = await db.probeJob.create({ data: { probe: "runqlat", durationSeconds: 5 } });
    await enqueueProbeJob(job.id);
    // A consumer that drops the job without touching the row, as a worker that lost it would.
    const consumer = new Worker(PROBE_QUEUE_NAME, async () => "dropped", {
      connection: createRedis({ blocking: true }),
      prefix: env.QUEUE_PREFIX,
    });
    try {
      await waitForState(job.id, "completed");
    } finally {
      await consumer.close();
    }
    expect((await reconcileRuns()).reenqueued).toEqual([job.id]);
    expect(await (await probeQueue().getJob(job.id))?.getState()).toBe("waiting");
  });

  it("fails RUNNING probe jobs whose heartbeat is stale, and leaves live ones alone", async () => {
    const stale = await db.probeJob.create({
      data: { probe: "runqlat", durationSeconds: 600, status: "RUNNING", startedAt: new Date(), heartbeatAt: staleHeartbeat() },
    });
    const live = await db.probeJob.create({
      data: { probe: "runqlat", durationSeconds: 1, status: "RUNNING", startedAt: staleHeartbeat(), heartbeatAt: new Date() },
    });
    const reconciled = await reconcileRuns();
    expect(reconciled.failedStale).toEqual([stale.id]);
    const after = await db.probeJob.findUniqueOrThrow({ where: { id: stale.id } });
    expect(after.status).toBe("FAILED");
    expect(after.error).toBe("The worker running this probe stopped before it ended");
    expect(after.finishedAt).not.toBeNull();
    expect((await db.probeJob.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("RUNNING");
    expect((await reconcileRuns()).failedStale).toEqual([]);
  });

  it("re-enqueues QUEUED reports whose job is missing, into the report queue only", async () => {
    const report = await db.report.create({ data: { runIds: ["gone"], format: "HTML", title: "lost" } });
    const first = await reconcileReports();
    expect(first.reenqueued).toEqual([report.id]);
    expect((await reportQueue().getJob(report.id))?.data.reportId).toBe(report.id);
    expect((await reconcileRuns()).reenqueued).toEqual([]);
    expect((await reconcileReports()).reenqueued).toEqual([]);
  });

  it("fails RUNNING reports whose heartbeat is stale, and leaves live ones alone", async () => {
    const stale = await db.report.create({
      data: { runIds: ["a"], format: "PDF", title: "stale", status: "RUNNING", phase: "printing", heartbeatAt: staleHeartbeat() },
    });
    const live = await db.report.create({
      data: { runIds: ["a"], format: "PDF", title: "live", status: "RUNNING", heartbeatAt: new Date() },
    });
    const reconciled = await reconcileReports();
    expect(reconciled.failedStale).toEqual([stale.id]);
    const after = await db.report.findUniqueOrThrow({ where: { id: stale.id } });
    expect(after.status).toBe("FAILED");
    expect(after.error).toBe("The worker generating this report stopped");
    expect(after.phase).toBeNull();
    expect((await db.report.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("RUNNING");
  });

  it("reports each table apart in one pass", async () => {
    const run = await db.benchmarkRun.create({ data: { name: "orphan", mesh: "baseline", spec } });
    const probe = await db.probeJob.create({
      data: { probe: "runqlat", durationSeconds: 5, status: "RUNNING", heartbeatAt: staleHeartbeat() },
    });
    const report = await db.report.create({ data: { runIds: ["a"], format: "HTML", title: "lost" } });
    expect(await reconcileRowJobs()).toEqual({
      runs: { reenqueued: [run.id], failedStale: [] },
      probeJobs: { reenqueued: [], failedStale: [probe.id] },
      reports: { reenqueued: [report.id], failedStale: [] },
    });
  });
});

async function waitForState(jobId: string, state: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await (await probeQueue().getJob(jobId))?.getState()) !== state) {
    if (Date.now() > deadline) throw new Error(`job ${jobId} never reached ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
