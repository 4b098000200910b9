import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { type RowJobContext, runRowJob } from "~/worker/jobs/row-job";
import { waitFor } from "./helpers";

const quiet = { log: () => undefined, heartbeatMs: 20 };

const probeRow = (status: "QUEUED" | "RUNNING" | "CANCELLED" = "QUEUED") =>
  db.probeJob.create({ data: { probe: "runqlat", durationSeconds: 60, status } });
const readProbe = (id: string) => db.probeJob.findUniqueOrThrow({ where: { id } });

/** Resolves once the signal aborts, so a test can stand in for work that stops when told. */
const untilAborted = (ctx: RowJobContext) =>
  new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));

describe("runRowJob: one lifecycle for runs, probe jobs and reports", () => {
  const clear = async () => {
    await db.probeJob.deleteMany();
    await db.report.deleteMany();
  };
  beforeEach(clear);
  afterAll(clear);

  it("skips a row that is not QUEUED, without calling the work", async () => {
    const row = await probeRow("CANCELLED");
    let called = false;
    const outcome = await runRowJob("ProbeJob", row.id, quiet, async () => {
      called = true;
      return undefined;
    });
    expect(outcome).toBe("SKIPPED");
    expect(called).toBe(false);
    expect((await readProbe(row.id)).status).toBe("CANCELLED");
  });

  it("heartbeats progress and phase while running, and finishes SUCCEEDED at 100 with no phase", async () => {
    const row = await probeRow();
    const seen: { status: string; phase: string | null; progress: number; heartbeatAt: Date | null }[] = [];
    const outcome = await runRowJob("ProbeJob", row.id, quiet, async (ctx) => {
      ctx.setPhase("measuring");
      ctx.setProgress(40);
      ctx.setProgress(10); // never backwards
      seen.push(
        await waitFor(
          "a heartbeat",
          async () => {
            const r = await readProbe(row.id);
            return r.phase === "measuring" ? r : null;
          },
          5_000,
        ),
      );
      return undefined;
    });
    expect(outcome).toBe("SUCCEEDED");
    expect(seen[0]).toMatchObject({ status: "RUNNING", phase: "measuring", progress: 40 });
    expect(seen[0]?.heartbeatAt).not.toBeNull();
    // A heartbeat in flight at the end must not land after the finish.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readProbe(row.id)).toMatchObject({ status: "SUCCEEDED", progress: 100, phase: null, error: null });
  });

  it("turns cancelRequestedAt into an aborted signal; work that keeps its data ends CANCELLED with the job's text", async () => {
    const row = await probeRow();
    const outcome = await runRowJob("ProbeJob", row.id, { ...quiet, cancelledError: "Cancelled; data kept" }, async (ctx) => {
      await db.probeJob.update({ where: { id: row.id }, data: { cancelRequestedAt: new Date() } });
      await untilAborted(ctx);
      expect(ctx.cancelRequested()).toBe(true);
      return undefined;
    });
    expect(outcome).toBe("CANCELLED");
    expect(await readProbe(row.id)).toMatchObject({ status: "CANCELLED", error: "Cancelled; data kept", phase: null });
  });

  it("cancels a report through the same column", async () => {
    const report = await db.report.create({ data: { runIds: ["a"], format: "HTML", title: "cancel me" } });
    const outcome = await runRowJob("Report", report.id, quiet, async (ctx) => {
      await db.report.update({ where: { id: report.id }, data: { cancelRequestedAt: new Date() } });
      await untilAborted(ctx);
      ctx.signal.throwIfAborted();
      return undefined;
    });
    expect(outcome).toBe("CANCELLED");
    expect(await db.report.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({
      status: "CANCELLED",
      error: "Cancelled by an admin",
    });
  });

  it("ends FAILED with the interruption text when the worker shuts down, not CANCELLED", async () => {
    const row = await probeRow();
    const shutdown = new AbortController();
    const outcome = await runRowJob(
      "ProbeJob",
      row.id,
      { ...quiet, shutdownSignal: shutdown.signal, interruptedError: "Interrupted: shut down" },
      async (ctx) => {
        shutdown.abort();
        expect(ctx.signal.aborted).toBe(true);
        expect(ctx.cancelRequested()).toBe(false);
        throw new Error("the backend saw the abort");
      },
    );
    expect(outcome).toBe("FAILED");
    expect((await readProbe(row.id)).error).toBe("Interrupted: shut down");
  });

  it("stores a failure's message (or the job's wording of it), and keeps the progress reached", async () => {
    const row = await probeRow();
    const outcome = await runRowJob(
      "ProbeJob",
      row.id,
      { ...quiet, describeError: (e) => `Wrapped: ${(e as Error).message}` },
      async (ctx) => {
        ctx.setProgress(30);
        throw new Error("boom");
      },
    );
    expect(outcome).toBe("FAILED");
    expect(await readProbe(row.id)).toMatchObject({ status: "FAILED", error: "Wrapped: boom", progress: 30 });
  });

  it("lets the work decide its end, and skips a row deleted while it ran", async () => {
    const row = await probeRow();
    expect(await runRowJob("ProbeJob", row.id, quiet, async () => ({ status: "FAILED", error: "Unknown probe" }))).toBe("FAILED");
    expect((await readProbe(row.id)).error).toBe("Unknown probe");

    const report = await db.report.create({ data: { runIds: ["a"], format: "HTML", title: "deleted" } });
    const outcome = await runRowJob("Report", report.id, quiet, async () => {
      await db.report.delete({ where: { id: report.id } });
      return undefined;
    });
    expect(outcome).toBe("SKIPPED");
  });
});
