import { JsHistogram } from "hdr-histogram-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLatencyHistogram, encodeHistogram, mergeHistograms, recordLatencyUs, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { seededRng } from "~/core/stats";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { ComparisonError } from "~/server/reports/comparison";
import { buildExport } from "~/server/reports/exports";
import { runSummary, storeIterationResult } from "~/server/runs/store";
import { callerFor, createUser, sessionFor } from "./helpers";

/**
 * Round trips through MeshBench's own exports: a run exported as .hlog and imported again has
 * identical percentiles; exported as fortio JSON and imported again, each percentile is within one
 * bucket of the original (fortio keeps counts per bucket, and the import records each at its middle).
 * The run is stored the way the worker stores one: two repetitions of a long-tailed latency.
 */

const PERCENTILES = ["p50Us", "p75Us", "p90Us", "p99Us", "p999Us", "maxUs", "minUs"] as const;

function repetition(iteration: number, seed: number): IterationResult {
  const rng = seededRng(seed);
  const h = createLatencyHistogram();
  for (let i = 0; i < 20_000; i++) recordLatencyUs(h, 180 * Math.exp(0.6 * -Math.log(1 - rng())) + (rng() < 0.002 ? 40_000 : 0));
  const startedAt = new Date(Date.UTC(2026, 10, 30, 9, 0, iteration * 20));
  const result: IterationResult = {
    iteration,
    requestedQps: 2000,
    actualQps: 1998,
    count: h.totalCount,
    errors: {},
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: Array.from({ length: 10 }, () => 1998),
    measuredSeconds: 10,
    components: [],
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 10_000),
  };
  h.destroy();
  return result;
}

describe("export, then import again", () => {
  let runId = "";
  let operator: Awaited<ReturnType<typeof createUser>>;
  let original: ReturnType<typeof summarize>;

  beforeAll(async () => {
    operator = await createUser("OPERATOR");
    const spec = runSpecSchema.parse({ mesh: "baseline", rate: 2000, connections: 16, durationSeconds: 10, repetitions: 2 });
    const run = await db.benchmarkRun.create({
      data: {
        name: "it round trip",
        mesh: "baseline",
        backend: "LOCAL",
        spec: spec as unknown as Prisma.InputJsonValue,
        status: "SUCCEEDED",
        createdById: operator.id,
      },
    });
    runId = run.id;
    await storeIterationResult(runId, repetition(1, 11));
    await storeIterationResult(runId, repetition(2, 12));
    await db.benchmarkRun.update({ where: { id: runId }, data: { ...(await runSummary(runId)), finishedAt: new Date() } });
    const rows = await db.runResult.findMany({ where: { runId } });
    const merged = mergeHistograms(rows.flatMap((r) => (r.histogram ? [histogramFromBytes(r.histogram)] : [])));
    original = summarize(merged);
    merged.destroy();
  });
  afterAll(async () => {
    await db.benchmarkRun.deleteMany({ where: { name: { startsWith: "it round trip" } } });
  });

  async function importedSummary(fileName: string, content: string) {
    const done = await callerFor(sessionFor(operator)).imports.create({ fileName, content, name: `it round trip ${fileName}` });
    const detail = await callerFor(sessionFor(operator)).runs.get({ id: done.id });
    return { done, detail };
  }

  it(".hlog: identical percentiles", async () => {
    const file = await buildExport("hlog", [runId], null, new Date());
    const { done, detail } = await importedSummary("round-trip.hlog", file.body);
    expect(done.format).toBe("hlog");
    expect(original).not.toBeNull();
    for (const key of PERCENTILES) expect(detail.summary?.[key], key).toBe(original?.[key]);
    expect(detail.requestCount).toBe(40_000);
  });

  it("fortio JSON: each percentile within one bucket of the original", async () => {
    const file = await buildExport("fortio", [runId], null, new Date());
    const { done, detail } = await importedSummary("round-trip-fortio.json", file.body);
    expect(done.format).toBe("fortio-json");
    expect(detail.requestCount).toBe(40_000);
    expect(detail.imported?.requestedQps).toBe(2000);
    const reference = createLatencyHistogram();
    if (!(reference instanceof JsHistogram)) throw new TypeError("expected hdr-histogram-js's JavaScript histogram");
    for (const key of PERCENTILES) {
      const a = original?.[key] ?? Number.NaN;
      const b = detail.summary?.[key] ?? Number.NaN;
      // One HDR bucket at this value: fortio's exported buckets are HDR's.
      const bucket = reference.sizeOfEquivalentValueRange(a);
      expect(Math.abs(a - b), `${key}: ${a} vs ${b}`).toBeLessThanOrEqual(bucket);
    }
    reference.destroy();
  });

  it("a run imported with percentiles only is refused by the histogram exports, with the reason", async () => {
    const smp = await callerFor(sessionFor(operator)).imports.create({
      fileName: "p.json",
      name: "it round trip smp",
      content: JSON.stringify({
        latencies_ms: { p50: 1, p99: 2 },
        actual_qps: 10,
        start_time: "2026-01-01T00:00:00Z",
        end_time: "2026-01-01T00:00:10Z",
      }),
    });
    await expect(buildExport("hlog", [smp.id], null, new Date())).rejects.toThrow(ComparisonError);
    await expect(buildExport("fortio", [smp.id], null, new Date())).rejects.toThrow(/percentiles only: it has no histogram/);
    const om = await buildExport("openmetrics", [smp.id], null, new Date());
    expect(om.body).not.toMatch(/meshbench_run_requests/);
  });
});
