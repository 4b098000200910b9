import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeHistogram } from "~/core/histogram";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { writeHlog } from "../fixtures/imports/hlog";
import { callerFor, createUser, expectCode, sessionFor } from "./helpers";

/**
 * Imports through the tRPC procedure into the real database. Files: the repository's fortio
 * fixtures (built to fortio 1.69's -json shape, not recorded from fortio), .hlog written here by
 * hdr-histogram-js's HistogramLogWriter, SMP and k6 files built to their documented formats
 * (test/fixtures/imports/README.md).
 */

const fixture = (dir: string, name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures", dir, name), "utf8");

async function counts() {
  const [runs, results, audits] = await Promise.all([db.benchmarkRun.count(), db.runResult.count(), db.auditEvent.count()]);
  return { runs, results, audits };
}

async function clearRuns() {
  await db.benchmarkRun.deleteMany();
}

describe("imports.create (tRPC, real database)", () => {
  let operator: Awaited<ReturnType<typeof createUser>>;
  let viewer: Awaited<ReturnType<typeof createUser>>;
  let caller: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    operator = await createUser("OPERATOR");
    viewer = await createUser("VIEWER");
    caller = callerFor(sessionFor(operator));
  });
  beforeEach(clearRuns);
  afterAll(clearRuns);

  it("fortio -json: full histogram from its buckets, errors from RetCodes, rates and duration, provenance", async () => {
    const content = fixture("fortio", "errors-503-and-connection.json");
    const done = await caller.imports.create({ fileName: "fortio-503.json", content });
    expect(done.format).toBe("fortio-json");
    expect(done.latencyData).toBe("histogram");
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: done.id }, include: { results: true } });
    const fortio = JSON.parse(content);
    const codes = fortio.RetCodes as Record<string, number>;
    const failed = Object.entries(codes)
      .filter(([code]) => !(Number(code) >= 200 && Number(code) <= 299))
      .reduce((a, [, n]) => a + n, 0);
    expect(run.status).toBe("SUCCEEDED");
    expect(run.createdById).toBe(operator.id);
    expect(run.errorCount).toBe(failed);
    expect(run.requestCount).toBe(fortio.DurationHistogram.Count - failed);
    const result = run.results[0];
    expect(result?.histogram).not.toBeNull();
    expect(result?.requestedQps).toBe(Number(fortio.RequestedQPS));
    expect(result?.measuredSeconds).toBeCloseTo(fortio.ActualDuration / 1e9, 6);
    const histogram = histogramFromBytes(result?.histogram ?? new Uint8Array());
    expect(histogram.totalCount).toBe(run.requestCount);
    histogram.destroy();
    const detail = await callerFor(sessionFor(viewer)).runs.get({ id: done.id });
    expect(detail.imported).toMatchObject({
      format: "fortio-json",
      tool: "fortio",
      toolVersion: fortio.Version,
      fileName: "fortio-503.json",
      uploadedBy: operator.email,
      latencyData: "histogram",
      countKnown: true,
      errorsKnown: true,
    });
    expect(detail.imported?.bucketResolution?.bucketWidthAtP50Us).toBeGreaterThan(0);
    expect(detail.summary?.p50Us).toBe(result?.p50Us);
    const listed = (await callerFor(sessionFor(viewer)).runs.list({ limit: 10 })).items.find((r) => r.id === done.id);
    expect(listed?.imported?.tool).toBe("fortio");
  });

  it("fortio with 1 ms buckets around a sub-millisecond p50 records the resolution and warns", async () => {
    const fortio = JSON.parse(fixture("fortio", "fixed-rate-1000qps.json"));
    // The same requests with fortio's default millisecond buckets: everything from 0 to 1 ms in one bucket.
    fortio.DurationHistogram.Data = [
      { Start: fortio.DurationHistogram.Min, End: 0.001, Percent: 93, Count: 9300 },
      { Start: 0.001, End: fortio.DurationHistogram.Max, Percent: 100, Count: 700 },
    ];
    const done = await caller.imports.create({ fileName: "coarse.json", content: JSON.stringify(fortio) });
    expect(done.warnings.join("\n")).toMatch(/fortio's buckets are coarse at the median: the bucket holding p50 is \d+ µs wide/);
    const detail = await caller.runs.get({ id: done.id });
    expect(detail.imported?.bucketResolution?.relativeToP50).toBeGreaterThan(0.1);
  });

  it(".hlog: exact histograms added over intervals, per-interval rates, unit read from Interval_Max", async () => {
    const intervals = [
      [120, 130, 140, 150, 900],
      [110, 125, 135, 160, 170, 4000],
      [100, 200],
    ];
    const done = await caller.imports.create({
      fileName: "latency.hlog",
      content: writeHlog(intervals, { unit: "us" }),
    });
    expect(done.format).toBe("hlog");
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: done.id }, include: { results: true } });
    const result = run.results[0];
    expect(result?.perSecond).toEqual([5, 6, 2]);
    expect(run.requestCount).toBe(13);
    expect(run.errorCount).toBeNull();
    const h = histogramFromBytes(result?.histogram ?? new Uint8Array());
    expect(h.totalCount).toBe(13);
    // HDR reports the top of the bucket holding 4000 (2 µs wide at 3 significant digits).
    expect(result?.maxUs).toBeGreaterThanOrEqual(4000);
    expect(result?.maxUs).toBeLessThanOrEqual(4004);
    // 13 values: p50 is the 7th smallest.
    expect(result?.p50Us).toBe(140);
    h.destroy();
    // The same values logged in nanoseconds (Interval_Max in ms): the same percentiles in µs.
    const ns = await caller.imports.create({
      fileName: "latency-ns.hlog",
      content: writeHlog(
        intervals.map((values) => values.map((v) => v * 1000)),
        { unit: "ns" },
      ),
    });
    const nsRun = await db.runResult.findFirstOrThrow({ where: { runId: ns.id } });
    expect(nsRun.p50Us).toBeCloseTo(140, 0);
    expect(nsRun.p99Us).toBeCloseTo(result?.p99Us ?? 0, -1);
  });

  it("SMP (proto3 JSON and snake_case YAML): percentiles only, count and errors unknown", async () => {
    const json = await caller.imports.create({ fileName: "smp-result.json", content: fixture("imports", "smp-result.json") });
    expect(json).toMatchObject({ format: "smp", latencyData: "percentiles-only", tool: "SMP (fortio)" });
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: json.id }, include: { results: true } });
    expect(run.p50Us).toBeCloseTo(1105, 6);
    expect(run.p99Us).toBeCloseTo(3912, 6);
    expect(run.requestCount).toBeNull();
    expect(run.errorCount).toBeNull();
    expect(run.actualQps).toBeCloseTo(998.6, 6);
    expect(run.results[0]?.histogram).toBeNull();
    expect(run.results[0]?.requestedQps).toBe(1000);
    const detail = await caller.runs.get({ id: json.id });
    expect(detail.reportedLatency?.percentiles).toEqual([
      { percentile: 50, valueUs: 1105 },
      { percentile: 90, valueUs: 1873 },
      { percentile: 99, valueUs: 3912 },
    ]);
    expect(detail.iterations[0]?.count).toBeNull();
    expect(detail.iterations[0]?.errors).toBeNull();
    const yaml = await caller.imports.create({ fileName: "smp-result.yaml", content: fixture("imports", "smp-result.yaml") });
    const yamlRun = await db.benchmarkRun.findUniqueOrThrow({ where: { id: yaml.id } });
    expect(yamlRun.p99Us).toBeCloseTo(2970, 6);
    expect(yamlRun.startedAt?.toISOString()).toBe("2026-11-21T08:30:00.000Z");
  });

  it("k6 summary (--summary-export and handleSummary): percentiles in ms, failures from http_req_failed", async () => {
    const exported = await caller.imports.create({
      fileName: "summary.json",
      content: fixture("imports", "k6-summary-export.json"),
      encoding: "text",
    });
    expect(exported).toMatchObject({ format: "k6-summary", latencyData: "percentiles-only" });
    const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: exported.id }, include: { results: true } });
    // Successful requests only: http_req_duration{expected_response:true}.
    expect(run.p50Us).toBeCloseTo(2097.7, 6);
    expect(run.p99Us).toBeNull();
    expect(run.requestCount).toBe(29_900);
    expect(run.errorCount).toBe(50);
    expect(run.results[0]?.measuredSeconds).toBeCloseTo(30, 6);
    const base64 = Buffer.from(fixture("imports", "k6-handle-summary.json")).toString("base64");
    const handled = await caller.imports.create({ fileName: "handle.json", content: base64, encoding: "base64" });
    const handledRun = await db.benchmarkRun.findUniqueOrThrow({ where: { id: handled.id } });
    expect(handledRun.p99Us).toBeCloseTo(6440, 6);
    expect(handledRun.errorCount).toBe(0);
  });

  const bad: [string, string, RegExp][] = [
    ["notes.txt", "hello, these are my results", /format not recognised/],
    [
      "fortio.json",
      JSON.stringify({ DurationHistogram: { Count: 1, Min: 0, Max: 1, Sum: 1, Avg: 1 }, RetCodes: {} }),
      /fortio JSON: field missing: RequestedQPS/,
    ],
    [
      "broken.hlog",
      "#[Histogram log format version 1.3]\n0.000,1.000,0.300,HISTFAAAACt4nJNpmSzMwMDAyc\n",
      /HdrHistogram log: interval 1 holds no readable histogram/,
    ],
    ["unitless.hlog", "", /HdrHistogram log: unit unknown/],
    [
      "smp.json",
      JSON.stringify({ performance_test_result: { actual_qps: 10, start_time: "2026-01-01T00:00:00Z" } }),
      /SMP result: field missing: performance_test_result\.latencies_ms/,
    ],
    [
      "k6.json",
      JSON.stringify({ metrics: { http_reqs: { count: 10, rate: 1 } } }),
      /k6 summary: field missing: metrics\.http_req_duration/,
    ],
    [
      "k6-unit.json",
      JSON.stringify({
        metrics: {
          http_req_duration: { type: "trend", contains: "data", values: { med: 1 } },
          http_reqs: { type: "counter", contains: "default", values: { count: 1, rate: 1 } },
        },
      }),
      /unit unknown/,
    ],
  ];

  it.each(bad)("refuses %s with a clear error and stores nothing", async (fileName, content, message) => {
    const text =
      fileName === "unitless.hlog"
        ? // An Interval_Max in no usual ratio to the max (200 / 7 = 28.6), so the unit cannot be read from it.
          writeHlog([[100, 200]], { unit: "us" }).replace(/0\.200,HIST/, "7.000,HIST")
        : content;
    const before = await counts();
    const error = await expectCode(caller.imports.create({ fileName, content: text }), "BAD_REQUEST");
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${fileName}: `)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("refuses a file over the limit, naming the limit, and stores nothing", async () => {
    const before = await counts();
    const big = Buffer.alloc(700 * 1024, "a").toString("base64");
    const error = await expectCode(
      caller.imports.create({ fileName: "big.json", content: big, encoding: "base64" }),
      "BAD_REQUEST",
    );
    expect(error.message).toMatch(/file too large: 716800 bytes; the limit is 655360 bytes/);
    expect(await counts()).toEqual(before);
  });

  it("viewers cannot import", async () => {
    const before = await counts();
    await expectCode(
      callerFor(sessionFor(viewer)).imports.create({ fileName: "smp.yaml", content: fixture("imports", "smp-result.yaml") }),
      "FORBIDDEN",
    );
    expect(await counts()).toEqual(before);
  });

  it("imported runs in a comparison and a regression gate: percentiles-only runs get no interval and no verdict, with the reason", async () => {
    const fortio = await caller.imports.create({
      fileName: "fortio.json",
      content: fixture("fortio", "fixed-rate-1000qps.json"),
    });
    const k6 = await caller.imports.create({ fileName: "k6.json", content: fixture("imports", "k6-handle-summary.json") });
    const comparison = await callerFor(sessionFor(viewer)).compare.runs({ runIds: [fortio.id, k6.id], baselineId: fortio.id });
    const k6Run = comparison.runs.find((r) => r.id === k6.id);
    const fortioRun = comparison.runs.find((r) => r.id === fortio.id);
    expect(k6Run?.percentilesOnly).toBe(true);
    expect(k6Run?.latency.p99.value).toBeCloseTo(6440, 6);
    expect(k6Run?.latency.p99.ci).toBeNull();
    expect(k6Run?.latency.p50.ci).toBeNull();
    expect(k6Run?.overhead?.p99).toMatchObject({ absoluteCi: null, ciUnavailable: "percentiles-only" });
    expect(fortioRun?.percentilesOnly).toBe(false);
    expect(fortioRun?.latency.p99.ci).not.toBeNull();
    expect(fortioRun?.imported?.fileName).toBe("fortio.json");
    const codes = comparison.warnings.map((w) => w.code);
    expect(codes).toContain("percentiles-only");
    expect(comparison.warnings.find((w) => w.code === "percentiles-only")?.message).toMatch(/no confidence interval/);
    expect(comparison.warnings.filter((w) => w.code === "imported")).toHaveLength(2);

    // Regression gate: the fortio import as the profile's baseline, the k6 import judged against it.
    await caller.compare.setBaseline({ runId: fortio.id, baseline: true });
    const status = await callerFor(sessionFor(viewer)).compare.runStatus({ runId: k6.id });
    expect(status.regression?.verdict).toBeNull();
    expect(status.regression?.noVerdictReason).toBe("percentiles-only");
  });
});

describe("histogram of an imported fortio run", () => {
  it("decodes like any other run's", () => {
    const h = decodeHistogram("HISTFAAAACt4nJNpmSzMwMDAycDAwMjAwMDMAAGMDAzMbgY7FjDA+McZmY6CEQBxagWB");
    expect(h.totalCount).toBe(3);
    h.destroy();
  });
});
