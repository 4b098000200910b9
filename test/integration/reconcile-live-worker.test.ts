import { Worker } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db, Prisma } from "~/server/db/client";
import { env } from "~/server/env";
import { createRedis } from "~/server/queue/redis";
import { enqueueRun, RUN_QUEUE_NAME, runQueue } from "~/server/queue/run-queue";
import { noteDatabaseFailure } from "~/worker/jobs/database-outage";
import { HEARTBEAT_TIMEOUT_MS, reconcileRuns } from "~/worker/jobs/reconcile";
import { TINY_LOCAL_SPEC, waitFor } from "./helpers";

const spec = TINY_LOCAL_SPEC;

const staleRunningRun = (name: string) =>
  db.benchmarkRun.create({
    data: { name, mesh: "baseline", spec, status: "RUNNING", heartbeatAt: new Date(Date.now() - HEARTBEAT_TIMEOUT_MS - 5_000) },
  });

async function clear() {
  await runQueue().obliterate({ force: true });
  await db.benchmarkRun.deleteMany();
}

/**
 * A stale heartbeat is not enough to fail a run: a worker cut off from PostgreSQL cannot beat but
 * is alive, and says so through the lock it keeps renewing on its BullMQ job.
 */
describe("reconciler: a stale heartbeat of a live worker", () => {
  beforeEach(clear);
  afterAll(clear);

  it("leaves a run alone while a live worker holds its job, and fails it once the job is no longer held", async () => {
    const run = await staleRunningRun("held by a live worker");
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = new Worker(RUN_QUEUE_NAME, () => released, {
      connection: createRedis({ blocking: true }),
      prefix: env.QUEUE_PREFIX,
    });
    try {
      await enqueueRun(run.id);
      await waitFor("the job held", async () => (await (await runQueue().getJob(run.id))?.getState()) === "active", 10_000);

      expect((await reconcileRuns()).failedStale).toEqual([]);
      expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("RUNNING");

      release();
      await waitFor("the job done", async () => (await (await runQueue().getJob(run.id))?.getState()) === "completed", 10_000);
    } finally {
      release();
      await holder.close();
    }
    expect((await reconcileRuns()).failedStale).toEqual([run.id]);
    const after = await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe("FAILED");
    expect(after.phase).toBeNull();
  });

  it("fails no stale run right after this process saw the database unreachable: nobody could beat meanwhile", async () => {
    const run = await staleRunningRun("stale during an outage");
    noteDatabaseFailure(
      new Prisma.PrismaClientKnownRequestError("Can't reach database server", { code: "P1001", clientVersion: "test" }),
    );
    expect((await reconcileRuns()).failedStale).toEqual([]);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("RUNNING");
  });
});
