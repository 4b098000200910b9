import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComponentUsage } from "~/core/result";
import type { RunSpecInput } from "~/core/spec";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { callerFor, createUser, sessionFor, waitFor } from "./helpers";
import { processesMentioning, startWorker, type WorkerProcess } from "./processes";

const RATE = 300;
const shortSpec = {
  mode: "fixed-rate",
  rate: RATE,
  connections: 4,
  durationSeconds: 3,
  warmupSeconds: 1,
  payloadBytes: 512,
  repetitions: 2,
} satisfies Omit<RunSpecInput, "mesh">;

const FINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];
const finished = (id: string) => async () => {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
  return FINAL.includes(run.status) ? run : null;
};

describe("worker process running real local benchmarks", () => {
  let worker: WorkerProcess;
  let caller: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
    caller = callerFor(sessionFor(await createUser("ADMIN")));
    worker = await startWorker();
  });

  afterAll(async () => {
    if (worker.child.exitCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
  });

  it("runs baseline and the nginx pair to SUCCEEDED with plausible, different numbers", async () => {
    const baseline = await caller.runs.create({ name: "it baseline", spec: { ...shortSpec, mesh: "baseline" } });
    const nginx = await caller.runs.create({ name: "it nginx", spec: { ...shortSpec, mesh: "nginx" } });
    const runs = [
      await waitFor("baseline run", finished(baseline.id), 90_000),
      await waitFor("nginx run", finished(nginx.id), 90_000),
    ];

    for (const run of runs) {
      expect(run.status, `${run.name}: ${run.error}\n${worker.output()}`).toBe("SUCCEEDED");
      expect(run.progress).toBe(100);
      const results = await db.runResult.findMany({ where: { runId: run.id }, orderBy: { iteration: "asc" } });
      expect(results.map((r) => r.iteration)).toEqual([1, 2]);
      for (const r of results) {
        expect(r.actualQps).toBeGreaterThan(RATE * 0.9);
        expect(r.actualQps).toBeLessThan(RATE * 1.1);
        expect(r.count).toBeGreaterThan(RATE * shortSpec.durationSeconds * 0.9);
        expect(r.errorCount).toBe(0);
        const p = [r.minUs, r.p50Us, r.p75Us, r.p90Us, r.p99Us, r.p999Us, r.maxUs].map(Number);
        expect(p.every((v) => v > 0)).toBe(true);
        expect([...p].sort((a, b) => a - b)).toEqual(p);
        expect(r.histogram?.byteLength).toBeGreaterThan(0);
        const components = (r.components as unknown as ComponentUsage[]).map((c) => c.component);
        expect(components).toEqual(expect.arrayContaining(["loadgen", "upstream"]));
      }
      expect(run.p50Us).not.toBeNull();
      expect(run.requestCount).toBe(results.reduce((a, r) => a + r.count, 0));
    }
    const [b, n] = runs;
    // Two proxy hops cost something: the proxy profile is slower at the median.
    expect(n?.p50Us ?? 0).toBeGreaterThan(b?.p50Us ?? Number.POSITIVE_INFINITY);
    const nginxComponents = (await db.runResult.findFirstOrThrow({ where: { runId: nginx.id } }))
      .components as unknown as ComponentUsage[];
    expect(nginxComponents.filter((c) => c.role === "proxy")).toHaveLength(2);
    expect(processesMentioning(baseline.id)).toEqual([]);
    expect(processesMentioning(nginx.id)).toEqual([]);
  });

  it("shows progress while running; a cancelled run ends CANCELLED and leaves no proxy behind", async () => {
    const { id } = await caller.runs.create({
      name: "it cancel",
      spec: { ...shortSpec, mesh: "haproxy", durationSeconds: 60, repetitions: 1 },
    });
    await waitFor("progress", async () => {
      const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
      return run.status === "RUNNING" && run.progress > 2 && run.progress < 100;
    });
    expect(processesMentioning(id).length).toBeGreaterThan(0); // proxies really run
    await caller.runs.cancel({ id });
    const run = await waitFor("cancelled run", finished(id), 20_000);
    expect(run.status).toBe("CANCELLED");
    expect(processesMentioning(id)).toEqual([]);
  });

  it("runs a run that was stored while Redis was unreachable (the reconciler enqueues it)", async () => {
    const spec = { ...shortSpec, backend: "LOCAL", mesh: "baseline", repetitions: 1, warmupSeconds: 0, durationSeconds: 1 };
    const { id } = await db.benchmarkRun.create({ data: { name: "it never enqueued", mesh: "baseline", spec } });
    const run = await waitFor("reconciled run", finished(id), 60_000);
    expect(run.status, worker.output()).toBe("SUCCEEDED");
  });

  it("shuts down gracefully on SIGTERM, stopping the active run and its processes", async () => {
    const { id } = await caller.runs.create({
      name: "it shutdown",
      spec: { ...shortSpec, mesh: "nginx", durationSeconds: 60, repetitions: 1 },
    });
    await waitFor("running", async () => (await db.benchmarkRun.findUniqueOrThrow({ where: { id } })).progress > 2);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toMatch(/worker shut down/);
    expect(processesMentioning(id)).toEqual([]);
  });
});
