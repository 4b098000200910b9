import { describe, expect, it } from "vitest";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { runDetail, toRunDetail } from "~/server/runs/detail";
import { STATISTICS_VERSION, statisticsColumn } from "~/server/runs/statistics";
import { runSummary, storeIterationResult } from "~/server/runs/store";

/**
 * A finished run's statistics are computed once, with its summary (runSummary), and the run page
 * serves them from the row: they must be exactly what computing them from the histograms gives.
 */

function iteration(n: number, latenciesUs: number[]): IterationResult {
  const h = createLatencyHistogram();
  for (const v of latenciesUs) recordLatencyUs(h, v);
  return {
    iteration: n,
    requestedQps: 500,
    actualQps: 499 + n,
    count: latenciesUs.length,
    errors: n === 2 ? { timeout: 1 } : {},
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: [latenciesUs.length],
    measuredSeconds: 1,
    components: [],
    startedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n)),
    finishedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, n + 1)),
  };
}

/** Latencies spread over several orders of magnitude, so the spectrum has many distinct points. */
function latencies(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(50 + ((i * 7919 + seed * 104_729) % 100_000) ** 1.2 / 10));
}

async function createFinishedRun(): Promise<string> {
  const run = await db.benchmarkRun.create({
    data: {
      name: "stored statistics",
      mesh: "baseline",
      spec: runSpecSchema.parse({ mesh: "baseline", rate: 500, connections: 4, repetitions: 3 }),
      status: "RUNNING",
      startedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, 0)),
    },
  });
  await storeIterationResult(run.id, iteration(3, latencies(5_000, 3)));
  await storeIterationResult(run.id, iteration(1, latencies(4_000, 1)));
  await storeIterationResult(run.id, iteration(2, latencies(3_000, 2)));
  // As the worker does: the summary is written, then the run is finished.
  await db.benchmarkRun.update({ where: { id: run.id }, data: await runSummary(run.id) });
  await db.benchmarkRun.update({
    where: { id: run.id },
    data: { status: "SUCCEEDED", progress: 100, finishedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, 5)) },
  });
  return run.id;
}

/** Read raw: Prisma's own Json read path is not the one the run page uses. */
async function storedStatistics(id: string) {
  const rows = await db.$queryRaw<{ statistics: unknown }[]>`SELECT "statistics" FROM "BenchmarkRun" WHERE "id" = ${id}`;
  return statisticsColumn.parse(rows[0]?.statistics);
}

/** The run page's view computed from the histograms, ignoring what is stored. */
async function computedFresh(id: string) {
  const run = await db.benchmarkRun.findUniqueOrThrow({
    where: { id },
    include: { results: { orderBy: { iteration: "asc" } }, createdBy: { select: { email: true, name: true } } },
  });
  return toRunDetail(run, run.results);
}

describe("stored run statistics", () => {
  it("are written with the summary and served exactly as computing them gives", async () => {
    const id = await createFinishedRun();
    const stored = await storedStatistics(id);
    expect(stored?.iterations.map((i) => i.iteration)).toEqual([1, 2, 3]);

    const fresh = await computedFresh(id);
    expect(stored?.summary).toEqual(fresh.summary);
    expect(stored?.spectrum).toEqual(fresh.spectrum);
    expect(stored?.iterations.map((i) => i.summary)).toEqual(fresh.iterations.map((i) => i.summary));
    expect(fresh.spectrum.length).toBeGreaterThan(20);

    const served = await runDetail(id);
    expect(served).toEqual(fresh);
  });

  it("are served from the row, not recomputed, when they cover the stored repetitions", async () => {
    const id = await createFinishedRun();
    const marker = { minUs: 1, meanUs: 2, maxUs: 3, p50Us: 4, p75Us: 5, p90Us: 6, p99Us: 7, p999Us: 8 };
    const stored = await storedStatistics(id);
    await db.benchmarkRun.update({ where: { id }, data: { statistics: { ...stored, summary: marker } } });
    expect((await runDetail(id))?.summary).toEqual(marker);
  });

  it("are recomputed when a repetition was stored after them, or they do not parse", async () => {
    const id = await createFinishedRun();
    await storeIterationResult(id, iteration(4, latencies(2_000, 4)));
    expect(await runDetail(id)).toEqual(await computedFresh(id));

    await db.benchmarkRun.update({ where: { id }, data: { statistics: { version: STATISTICS_VERSION + 1 } } });
    expect(await runDetail(id)).toEqual(await computedFresh(id));
  });
});
