import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { queryRunMetrics, toStored } from "~/server/metrics/run-metrics";
import { runQueue } from "~/server/queue/run-queue";
import { callerFor, createUser, sessionFor, waitFor } from "./helpers";
import { startPrometheus, startWorker, type WorkerProcess } from "./processes";

const RATE = 200;

/** A copy with every number rounded to 4 significant digits. */
const roundDeep = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(4)) : v)));

const lastValue = (points: [number, number | null][]) => points.filter(([, v]) => v !== null).at(-1)?.[1] ?? null;

describe("live metrics through a real Prometheus", () => {
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let worker: WorkerProcess;
  let caller: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
    prometheus = await startPrometheus();
    worker = await startWorker();
    caller = callerFor(sessionFor(await createUser("VIEWER")));
  });

  afterAll(async () => {
    worker.child.kill("SIGTERM");
    await worker.exited;
    await prometheus.stop();
  });

  it("charts a running run from Prometheus, snapshots it at the end, and survives Prometheus going away", async () => {
    const admin = callerFor(sessionFor(await createUser("ADMIN")));
    const { id } = await admin.runs.create({
      name: "metrics",
      spec: {
        mesh: "nginx",
        rate: RATE,
        connections: 4,
        durationSeconds: 8,
        warmupSeconds: 1,
        payloadBytes: 256,
        repetitions: 1,
      },
    });

    // While it runs: the catalog's request rate is there and near the target.
    const live = await waitFor(
      "live request rate",
      async () => {
        const m = await caller.metrics.run({ runId: id });
        const points = m?.charts.request_rate.series[0]?.points.filter(([, v]) => v !== null) ?? [];
        // The first points of a rate() cover a series that only just appeared: wait for a few.
        return m && points.length >= 4 && m.source === "prometheus" ? { m, rate: lastValue(points) ?? 0 } : null;
      },
      30_000,
    );
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");
    expect(live.rate).toBeGreaterThan(RATE * 0.8);
    expect(live.rate).toBeLessThan(RATE * 1.2);
    const components = live.m.charts.cpu_by_component.series.map((s) => s.name).sort();
    expect(components).toEqual(expect.arrayContaining(["loadgen", "proxy-client", "proxy-server", "upstream"]));

    // After it: the worker stores a snapshot equal to what Prometheus returns for the window.
    await waitFor("snapshot", () => db.runMetricsSnapshot.findUnique({ where: { runId: id } }), 40_000);
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
    expect(run.status).toBe("SUCCEEDED");
    const snapshot = await db.runMetricsSnapshot.findUniqueOrThrow({ where: { runId: id } });
    const fresh = await queryRunMetrics(run);
    expect(fresh).not.toBeNull();
    if (!fresh) return;
    expect(snapshot.startSeconds).toBe(fresh.startSeconds);
    // Prometheus may sum in another order between two queries: equal up to float noise.
    expect(roundDeep(snapshot.series)).toEqual(roundDeep(toStored(fresh)));
    const latencyP99 = fresh.charts.latency_p99.series[0]?.points ?? [];
    expect(latencyP99.length).toBeGreaterThan(3);
    expect(latencyP99.every(([, v]) => v === null || (v > 0 && v < 1))).toBe(true);

    // Prometheus gone: the finished run still has its charts; a run without snapshot gets a typed error.
    await prometheus.stop();
    const afterwards = await caller.metrics.run({ runId: id });
    expect(afterwards?.source).toBe("snapshot");
    expect(afterwards?.charts.request_rate.series[0]?.points.length).toBeGreaterThan(3);
    const orphan = await db.benchmarkRun.create({
      data: {
        name: "no snapshot",
        mesh: "baseline",
        spec: {},
        status: "FAILED",
        startedAt: new Date(Date.now() - 10_000),
        finishedAt: new Date(),
      },
    });
    const error = await caller.metrics.run({ runId: orphan.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect((error as TRPCError).message).toMatch(/Metrics unavailable: Prometheus at .* is unreachable/);
  });
});
