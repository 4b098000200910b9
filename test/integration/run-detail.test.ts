import { describe, expect, it } from "vitest";
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { runDetail, toRunDetail } from "~/server/runs/detail";
import { storeIterationResult } from "~/server/runs/store";
import { createUser } from "./helpers";

/**
 * The run page reads a run with two raw statements instead of Prisma's findUnique (server/runs/detail.ts):
 * every column must come back as Prisma itself would read it — enums, JSON, bytes, dates, nulls.
 */

function iteration(n: number, latenciesUs: number[]): IterationResult {
  const h = createLatencyHistogram();
  for (const v of latenciesUs) recordLatencyUs(h, v);
  return {
    iteration: n,
    requestedQps: n === 1 ? 500 : null,
    actualQps: 499.5 + n,
    count: latenciesUs.length,
    errors: n === 2 ? { timeout: 2, http_503: 1 } : {},
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: [250, 249 + n],
    measuredSeconds: 2,
    components: [{ component: "proxy-client", role: "proxy", cpuCores: 0.25, maxRssBytes: null }],
    startedAt: new Date(Date.UTC(2026, 10, 27, 12, 0, n)),
    finishedAt: new Date(Date.UTC(2026, 10, 27, 12, 0, n + 2)),
  };
}

/** The same view built from Prisma's own reading of the rows. */
async function viaPrisma(id: string) {
  const run = await db.benchmarkRun.findUniqueOrThrow({
    where: { id },
    include: { results: { orderBy: { iteration: "asc" } }, createdBy: { select: { email: true, name: true } } },
  });
  return toRunDetail(run, run.results);
}

describe("runDetail reads a run as Prisma would", () => {
  it("a finished run with its creator, repetitions (stored out of order), JSON, bytes and nulls", async () => {
    const user = await createUser("ADMIN");
    await db.user.update({ where: { id: user.id }, data: { name: "Ada" } });
    const run = await db.benchmarkRun.create({
      data: {
        name: "detail",
        backend: "KUBERNETES",
        mesh: "istio",
        spec: runSpecSchema.parse({ backend: "KUBERNETES", mesh: "istio", rate: 500, connections: 8, repetitions: 2 }),
        status: "SUCCEEDED",
        progress: 100,
        createdById: user.id,
        startedAt: new Date(Date.UTC(2026, 10, 27, 12, 0, 0)),
        finishedAt: new Date(Date.UTC(2026, 10, 27, 12, 0, 9)),
        actualQps: 500.25,
        requestCount: 7,
        errorCount: 3,
        cancelRequestedAt: new Date(),
      },
    });
    await storeIterationResult(run.id, iteration(2, [900, 1_200, 40_000]));
    await storeIterationResult(run.id, iteration(1, [100, 150, 180, 210]));

    const detail = await runDetail(run.id);
    expect(detail).toEqual(await viaPrisma(run.id));
    // And the figures are really there (equal could mean equally empty).
    expect(detail).toMatchObject({ backend: "KUBERNETES", status: "SUCCEEDED", createdBy: "Ada", cancelRequested: true });
    expect(detail?.iterations.map((i) => i.iteration)).toEqual([1, 2]);
    expect(detail?.iterations[1]?.errors).toEqual({ timeout: 2, http_503: 1 });
    expect(detail?.iterations[0]?.summary?.maxUs).toBe(210);
    expect(detail?.summary?.maxUs).toBeGreaterThanOrEqual(40_000);
    expect(detail?.spec?.rate).toBe(500);
  });

  it("a queued run with no creator and no results; an unknown id is null", async () => {
    const run = await db.benchmarkRun.create({
      data: { name: "queued", mesh: "baseline", spec: { not: "a spec" } },
    });
    const detail = await runDetail(run.id);
    expect(detail).toEqual(await viaPrisma(run.id));
    expect(detail).toMatchObject({ status: "QUEUED", createdBy: null, spec: null, summary: null, iterations: [], spectrum: [] });
    expect(await runDetail("no-such-run")).toBeNull();
  });
});
