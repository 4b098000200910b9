import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import { db } from "~/server/db/client";
import { storeRepetition } from "~/worker/jobs/durable-store";
import { spoolFileFor, spoolRepetition } from "~/worker/jobs/result-spool";
import { replaySpool } from "~/worker/jobs/spool-replay";
import { writeFileAtomic } from "~/worker/jobs/worker-state";
import { TINY_LOCAL_SPEC } from "./helpers";

const spec = TINY_LOCAL_SPEC;

function measured(iteration: number): IterationResult {
  const histogram = createLatencyHistogram();
  for (const us of [300, 400, 500, 900]) recordLatencyUs(histogram, us);
  return {
    iteration,
    requestedQps: 100,
    actualQps: 99.5,
    count: 4,
    errors: {},
    latency: summarize(histogram),
    histogram: encodeHistogram(histogram),
    perSecond: [4],
    measuredSeconds: 1,
    components: [{ component: "loadgen", role: "loadgen", cpuCores: 0.1, maxRssBytes: 1_000_000 }],
    startedAt: new Date("2026-01-01T00:00:00Z"),
    finishedAt: new Date("2026-01-01T00:00:01Z"),
  };
}

const unavailableProbe: ProbeRunResult = {
  probe: "runqlat",
  host: "this-host",
  scope: { hostWide: true, pids: [], comms: [], ports: [] },
  startedAt: new Date("2026-01-01T00:00:00Z"),
  finishedAt: new Date("2026-01-01T00:00:01Z"),
  available: false,
  reason: "bpftrace is not installed",
  diagnostics: null,
};

const createRun = () => db.benchmarkRun.create({ data: { name: "durable store", mesh: "baseline", spec, status: "RUNNING" } });
/** Above the kernel's highest possible pid: the writer of a file naming it is gone. */
const DEAD_WRITER = { pid: 2 ** 22 + 1, startTime: 1 };

describe("durable result store: stored once, whatever is retried or replayed", () => {
  const files: string[] = [];
  const clear = async () => {
    await db.benchmarkRun.deleteMany();
    for (const file of files.splice(0)) await rm(file, { force: true });
  };
  beforeEach(clear);
  afterAll(clear);

  it("stores a repetition written twice (a retry whose answer was lost) once, probe results included", async () => {
    const run = await createRun();
    const entry = { runId: run.id, measured: measured(1), probes: [unavailableProbe] };
    await storeRepetition(entry);
    await storeRepetition(entry);
    expect(await db.runResult.count({ where: { runId: run.id } })).toBe(1);
    expect(await db.probeResult.count({ where: { runId: run.id } })).toBe(1);
  });

  it("replays the spool of a dead writer once, with the run's figures, and leaves a live writer's files to it", async () => {
    const run = await createRun();
    const orphan = spoolFileFor(run.id, 1);
    files.push(orphan);
    // As a worker killed mid-outage leaves it: JSON dates and all.
    await writeFileAtomic(
      orphan,
      JSON.stringify({ runId: run.id, measured: measured(1), probes: [unavailableProbe], writer: DEAD_WRITER }),
    );
    const ownFile = await spoolRepetition({ runId: run.id, measured: measured(2), probes: [] });
    files.push(ownFile);

    const log: string[] = [];
    expect(await replaySpool((m) => log.push(m))).toEqual({ stored: 1, dropped: 0 });
    expect(await replaySpool((m) => log.push(m))).toEqual({ stored: 0, dropped: 0 });
    const results = await db.runResult.findMany({ where: { runId: run.id } });
    expect(results.map((r) => r.iteration)).toEqual([1]);
    expect(results[0]?.startedAt).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(await db.probeResult.count({ where: { runId: run.id, iteration: 1 } })).toBe(1);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } })).requestCount).toBe(4);
    expect(existsSync(orphan)).toBe(false);
    // This process wrote it and is alive: it stores the file itself, no replay takes it.
    expect(existsSync(ownFile)).toBe(true);
  });

  it("drops a spooled repetition whose run was deleted, and sets aside a file it cannot read", async () => {
    const gone = spoolFileFor("deleted-run", 1);
    const torn = spoolFileFor("torn-run", 1);
    files.push(gone, torn, `${torn}.unreadable`);
    await writeFileAtomic(gone, JSON.stringify({ runId: "deleted-run", measured: measured(1), probes: [], writer: DEAD_WRITER }));
    await writeFileAtomic(torn, "{ not json");
    const log: string[] = [];
    expect(await replaySpool((m) => log.push(m))).toEqual({ stored: 0, dropped: 1 });
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(torn)).toBe(false);
    expect(existsSync(`${torn}.unreadable`)).toBe(true);
    expect(log.join("\n")).toMatch(/deleted/);
  });
});
