import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeRunData } from "~/core/probes";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { probeOverhead } from "~/server/runs/probe-overhead";
import { createBackend } from "~/worker/backends";
import { processBenchmark } from "~/worker/jobs/benchmark";
import { processProbeJob } from "~/worker/jobs/probe-job";
import { processesMentioning } from "./processes";

const noBpftrace = async () => ({ available: false as const, reason: "bpftrace is not installed (not found on PATH)" });

async function queuedRun(probes: string[]) {
  const spec = runSpecSchema.parse({
    mesh: "baseline",
    rate: 200,
    connections: 2,
    durationSeconds: 3,
    warmupSeconds: 1,
    repetitions: 1,
    probes,
  });
  return db.benchmarkRun.create({ data: { name: `probes ${probes.join(",")}`, mesh: spec.mesh, spec } });
}

const quiet = { shutdownSignal: new AbortController().signal, log: () => undefined };

describe("eBPF probes attached to benchmarks and as standalone jobs", () => {
  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
  });
  afterAll(async () => {
    await db.benchmarkRun.deleteMany();
  });

  it("runs the selected probes around each repetition and stores their real data", async () => {
    const run = await queuedRun(["runqlat", "syscalls"]);
    const outcome = await processBenchmark(run.id, { createBackend, ...quiet });
    expect(outcome).toBe("SUCCEEDED");
    const results = await db.probeResult.findMany({ where: { runId: run.id }, orderBy: { probe: "asc" } });
    expect(results.map((r) => [r.probe, r.iteration, r.available])).toEqual([
      ["runqlat", 1, true],
      ["syscalls", 1, true],
    ]);
    const runqlat = results[0]?.data as unknown as ProbeRunData;
    expect(runqlat.histograms.some((h) => h.count > 0)).toBe(true);
    const syscalls = results[1]?.data as unknown as ProbeRunData;
    // The load generator (this process, in scope) writes requests: its writes are counted.
    const names = syscalls.totals.map((t) => t.labels.syscall ?? t.labels.name ?? "").join(" ");
    expect(names).toMatch(/write|sendto|writev/);
    expect(processesMentioning("bpftrace").filter((pid) => pid !== process.pid)).toEqual([]);

    // Overhead: against the same spec run without probes.
    expect((await probeOverhead(run.id))?.reference).toBeNull();
    const plain = await queuedRun([]);
    expect(await processBenchmark(plain.id, { createBackend, ...quiet })).toBe("SUCCEEDED");
    const overhead = await probeOverhead(run.id);
    expect(overhead?.reference?.id).toBe(plain.id);
    expect(overhead?.withProbes.p50Us).toBeGreaterThan(0);
    expect(overhead?.withoutProbes?.p50Us).toBeGreaterThan(0);
    expect(overhead?.withoutProbes?.cpuCores).toBeGreaterThan(0);
    expect(await probeOverhead(plain.id)).toBeNull(); // no probes, nothing to attribute
  });

  it("reports probes as unavailable with the reason, and the benchmark still succeeds", async () => {
    const run = await queuedRun(["runqlat"]);
    const outcome = await processBenchmark(run.id, { createBackend, ...quiet, probeCapability: noBpftrace });
    expect(outcome).toBe("SUCCEEDED");
    const [result] = await db.probeResult.findMany({ where: { runId: run.id } });
    expect(result?.available).toBe(false);
    expect(result?.reason).toMatch(/bpftrace is not installed/);
    expect(result?.summary).toEqual({});
    expect(await db.runResult.count({ where: { runId: run.id } })).toBe(1);
  });

  it("runs a probe on its own for N seconds", async () => {
    const job = await db.probeJob.create({ data: { probe: "sched_switches", durationSeconds: 2 } });
    expect(await processProbeJob(job.id, { shutdownSignal: new AbortController().signal })).toBe("SUCCEEDED");
    const stored = await db.probeJob.findUniqueOrThrow({ where: { id: job.id }, include: { results: true } });
    expect(stored.status).toBe("SUCCEEDED");
    expect(stored.results).toHaveLength(1);
    const [result] = stored.results;
    expect(result?.available).toBe(true);
    expect((result?.data as unknown as ProbeRunData | undefined)?.intervals.length).toBeGreaterThanOrEqual(1);

    const blind = await db.probeJob.create({ data: { probe: "runqlat", durationSeconds: 1 } });
    expect(await processProbeJob(blind.id, { shutdownSignal: new AbortController().signal, probeCapability: noBpftrace })).toBe(
      "FAILED",
    );
    const failed = await db.probeJob.findUniqueOrThrow({ where: { id: blind.id }, include: { results: true } });
    expect(failed.error).toMatch(/eBPF unavailable: bpftrace is not installed/);
    expect(failed.results[0]?.available).toBe(false);
  });
});
