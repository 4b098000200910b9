import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { HistogramLogReader } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { bmfBenchmarkName, runsBmf } from "~/core/exports/bmf";
import { fortioRetCode, runFortioJson } from "~/core/exports/fortio";
import { runHlog } from "~/core/exports/hlog";
import { runsOpenMetrics } from "~/core/exports/openmetrics";
import { RUN_EXPORT_FORMAT, runExportJson, runExportJsonSchema, runExportSchema } from "~/core/exports/run-json";
import { decodeHistogram, type Histogram, mergeHistograms } from "~/core/histogram";
import { fortioHistogramToHdr, fortioResultSchema } from "~/core/parsers/fortio";
import { exportRun, exportRuns } from "../fixtures/export-runs";

const PERCENTILES = [0, 25, 50, 75, 90, 99, 99.9, 99.99, 100];
const percentilesOf = (h: Histogram) => PERCENTILES.map((p) => h.getValueAtPercentile(p));
const SCHEMA_URL = "http://localhost:3000/api/schemas/run-export/v1.json";

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(runExportJsonSchema(SCHEMA_URL));
}

describe("MeshBench run export (JSON) and its JSON Schema", () => {
  const validate = validator();

  it("the schema is draft 2020-12, served under its own URL, and closed to unknown fields", () => {
    const schema = runExportJsonSchema(SCHEMA_URL);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(SCHEMA_URL);
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(["run-nginx", "run-istio", "run-max"] as const)(
    "%s validates against the schema (ajv) and keeps every histogram",
    (id) => {
      const input = exportRun(id);
      const doc = JSON.parse(
        JSON.stringify(runExportJson(input, { exportedAt: new Date("2026-11-03T00:00:00Z"), schemaUrl: SCHEMA_URL })),
      );
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(runExportSchema.parse(doc)).toEqual(doc);
      expect(doc.$schema).toBe(SCHEMA_URL);
      expect(doc.format).toBe(RUN_EXPORT_FORMAT);
      expect(doc.repetitions).toHaveLength(input.repetitions.length);
      input.repetitions.forEach((rep, i) => {
        const decoded = decodeHistogram(doc.repetitions[i].histogram.data);
        expect(decoded.totalCount).toBe(rep.histogram.totalCount);
        expect(percentilesOf(decoded)).toEqual(percentilesOf(rep.histogram));
      });
    },
  );

  it("rejects a document that drifts from the schema", () => {
    const doc = JSON.parse(
      JSON.stringify(runExportJson(exportRun("run-nginx"), { exportedAt: new Date(), schemaUrl: SCHEMA_URL })),
    );
    expect(validate({ ...doc, extra: 1 })).toBe(false);
    expect(validate({ ...doc, repetitions: [{ ...doc.repetitions[0], actual_QPS: 1 }] })).toBe(false);
    const { histogram: _dropped, ...withoutHistogram } = doc.repetitions[0];
    expect(validate({ ...doc, repetitions: [withoutHistogram] })).toBe(false);
    expect(validate({ ...doc, exportedAt: "yesterday" })).toBe(false);
  });
});

describe("HdrHistogram interval log (.hlog)", () => {
  it.each(["run-nginx", "run-max"] as const)(
    "%s reads back with hdr-histogram-js's reader, one interval per repetition, identical percentiles",
    (id) => {
      const input = exportRun(id);
      const log = runHlog(input);
      expect(log).toContain("#[Histogram log format version 1.3]");
      expect(log).toMatch(/^#\[StartTime: \d+\.\d{3} \(seconds since epoch\), /m);
      expect(log).toContain('"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"');
      const reader = new HistogramLogReader(log);
      const first = input.repetitions[0]?.startedAt.getTime() ?? 0;
      for (const rep of input.repetitions) {
        const h = reader.nextIntervalHistogram();
        if (!h) throw new Error(`interval of repetition ${rep.iteration} missing`);
        expect(h.totalCount).toBe(rep.histogram.totalCount);
        expect(percentilesOf(h)).toEqual(percentilesOf(rep.histogram));
        expect(h.maxValue).toBe(rep.histogram.maxValue);
        // timestamps: the window's start and end, absolute (the reader adds StartTime back)
        expect(h.startTimeStampMsec).toBeCloseTo(rep.startedAt.getTime(), -1);
        expect(h.endTimeStampMsec - h.startTimeStampMsec).toBeCloseTo(rep.measuredSeconds * 1000, -1);
        expect(rep.startedAt.getTime()).toBeGreaterThanOrEqual(first);
      }
      expect(reader.nextIntervalHistogram()).toBeNull();
    },
  );
});

describe("fortio-compatible JSON", () => {
  it("has fortio's field names and reads back through MeshBench's fortio parser within one bucket", () => {
    const input = exportRun("run-nginx");
    const doc = JSON.parse(JSON.stringify(runFortioJson(input)));
    expect(Object.keys(doc)).toEqual([
      "RunType",
      "Labels",
      "StartTime",
      "RequestedQPS",
      "RequestedDuration",
      "ActualQPS",
      "ActualDuration",
      "NumThreads",
      "DurationHistogram",
      "RetCodes",
      "URL",
    ]);
    expect(doc.URL).toBe(input.environment?.targetUrl);
    expect(Object.keys(doc.DurationHistogram)).toEqual(["Count", "Min", "Max", "Sum", "Avg", "StdDev", "Data", "Percentiles"]);
    expect(doc.RequestedQPS).toBe("200");
    expect(doc.RequestedDuration).toBe("30s");
    expect(doc.ActualDuration).toBe(30e9);
    expect(doc.NumThreads).toBe(8);
    expect(doc.RetCodes).toEqual({ "200": 5990, "503": 10 });
    expect(doc.ActualQPS).toBeCloseTo(6000 / 30, 6);
    const merged = mergeHistograms(input.repetitions.map((r) => r.histogram));
    const data = doc.DurationHistogram.Data as { Start: number; End: number; Percent: number; Count: number }[];
    expect(data.reduce((a, b) => a + b.Count, 0)).toBe(merged.totalCount);
    expect(data.at(-1)?.Percent).toBeCloseTo(100, 9);
    expect(data[0]?.Start).toBe(doc.DurationHistogram.Min);
    expect(data.at(-1)?.End).toBe(doc.DurationHistogram.Max);
    for (let i = 1; i < data.length; i++) expect(data[i]?.Start).toBeGreaterThanOrEqual(data[i - 1]?.End ?? 0);
    expect(doc.DurationHistogram.Percentiles.map((p: { Percentile: number }) => p.Percentile)).toEqual([50, 75, 90, 99, 99.9]);

    const parsed = fortioResultSchema.parse(doc);
    const back = fortioHistogramToHdr(parsed.DurationHistogram).histogram;
    expect(back.totalCount).toBe(merged.totalCount);
    for (const p of [50, 90, 99, 99.9]) {
      const original = merged.getValueAtPercentile(p);
      const bucket = data.find((b) => b.Start * 1e6 <= original && original <= b.End * 1e6);
      const width = bucket ? (bucket.End - bucket.Start) * 1e6 : 0;
      expect(Math.abs(back.getValueAtPercentile(p) - original)).toBeLessThanOrEqual(width + 1);
    }
  });

  it("maps error kinds to fortio return codes and a closed-loop run to RequestedQPS max", () => {
    expect(["http_503", "timeout", "connect_refused", "connection_error"].map(fortioRetCode)).toEqual(["503", "-1", "-1", "-1"]);
    const doc = runFortioJson(exportRun("run-max"));
    expect(doc.RequestedQPS).toBe("max");
    expect(doc.RetCodes).toEqual({ "200": 10_100, "-1": 5, "502": 1 });
    // a run stored before its target was recorded: no URL rather than a made-up one
    expect(doc.URL).toBeUndefined();
  });
});

/** Bencher's published JSON Schema of BMF (draft-07). */
const BMF_SCHEMA = {
  $id: "https://bencher.dev/bmf.json",
  $schema: "http://json-schema.org/draft-07/schema",
  type: "object",
  patternProperties: {
    ".+": {
      type: "object",
      patternProperties: {
        ".+": {
          type: "object",
          properties: { value: { type: "number" }, lower_value: { type: "number" }, upper_value: { type: "number" } },
          required: ["value"],
        },
      },
    },
  },
};

describe("Bencher metric format (BMF)", () => {
  it("validates against Bencher's schema, one benchmark per setup, intervals only where they exist", () => {
    const runs = exportRuns().map((r) => r.run);
    const bmf = runsBmf(runs) as Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>;
    const validate = new Ajv({ strict: false }).compile(BMF_SCHEMA);
    expect(validate(bmf), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(bmf)).toEqual([
      "meshbench/nginx/fixed-rate-200rps/8conn/1024B",
      "meshbench/istio/fixed-rate-100rps/4conn/1024B",
      "meshbench/baseline/max/16conn/1024B",
    ]);
    const nginx = bmf["meshbench/nginx/fixed-rate-200rps/8conn/1024B"] ?? {};
    const nginxRun = runs[0];
    expect(nginx["latency-p99"]?.value).toBe(Math.round((nginxRun?.latency.p99.value ?? 0) * 1000));
    for (const m of ["latency-p50", "latency-p99", "throughput"]) {
      const metric = nginx[m];
      expect(metric?.lower_value).toBeLessThanOrEqual(metric?.value ?? Number.NaN);
      expect(metric?.upper_value).toBeGreaterThanOrEqual(metric?.value ?? Number.NaN);
    }
    // one repetition: no interval for the rate, so no bounds (not fake ones)
    const istio = bmf["meshbench/istio/fixed-rate-100rps/4conn/1024B"] ?? {};
    expect(istio.throughput).toEqual({ value: 100 });
    // the same setup twice stays two benchmarks
    if (!nginxRun) throw new Error("fixture lost its nginx run");
    const twice = runsBmf([nginxRun, { ...nginxRun, id: "again" }]);
    expect(Object.keys(twice)).toEqual([bmfBenchmarkName(nginxRun), `${bmfBenchmarkName(nginxRun)}/run-again`]);
  });
});

function promtool(args: string[], input?: string): { code: number; out: string } {
  try {
    const out = execFileSync("promtool", args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
    return { code: 0, out };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { status?: number; stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("promtool not found: install Debian's prometheus package (scripts/lib.sh does)");
    return { code: e.status ?? -1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("OpenMetrics text of runs' summaries", () => {
  const text = runsOpenMetrics(exportRuns().map((r) => r.run));
  const samples = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

  it("ends in # EOF, and parses with Prometheus's OpenMetrics parser (promtool backfill) and text linter", () => {
    expect(text.endsWith("# EOF\n")).toBe(true);
    const lint = promtool(["check", "metrics"], text);
    expect(lint, lint.out).toEqual({ code: 0, out: "" });
    const dir = mkdtempSync(path.join(tmpdir(), "meshbench-om-"));
    try {
      writeFileSync(path.join(dir, "runs.om.txt"), text);
      const backfill = promtool([
        "tsdb",
        "create-blocks-from",
        "openmetrics",
        path.join(dir, "runs.om.txt"),
        path.join(dir, "blocks"),
      ]);
      expect(backfill.code, backfill.out).toBe(0);
      // the block table's NUM SAMPLES column: every sample of the file was read
      const row = backfill.out.split("\n").find((l) => /^[0-9A-Z]{26}\s/.test(l));
      expect(row?.trim().split(/\s+/)[4]).toBe(String(samples.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects what it should: the same file without # EOF does not parse", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "meshbench-om-"));
    try {
      writeFileSync(path.join(dir, "cut.txt"), text.replace("# EOF\n", ""));
      expect(
        promtool(["tsdb", "create-blocks-from", "openmetrics", path.join(dir, "cut.txt"), path.join(dir, "b")]).code,
      ).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("carries the run's figures, and no sample for a figure that was not measured", () => {
    const nginx = exportRun("run-nginx").run;
    expect(samples).toContain(
      `meshbench_run_latency_seconds{run_id="run-nginx",mesh="nginx",quantile="0.99"} ${(nginx.summary?.p99Us ?? 0) / 1e6} ${Math.floor((nginx.finishedAt?.getTime() ?? 0) / 1000)}`,
    );
    expect(text).toContain('name="nginx pair, 200 rps \\"tail\\""');
    expect(samples.filter((l) => l.startsWith('meshbench_run_errors{run_id="run-max"'))).toHaveLength(3);
    // run-max's loadgen CPU was measured in one repetition only: the mean of what was measured
    expect(
      samples.some((l) => l.startsWith('meshbench_run_cpu_cores{run_id="run-max",mesh="baseline",component="loadgen"')),
    ).toBe(true);
    // its upstream's memory was never measured: no sample at all
    expect(
      samples.some((l) => l.startsWith('meshbench_run_memory_peak_bytes{run_id="run-max",mesh="baseline",component="upstream"')),
    ).toBe(false);
    expect(samples.some((l) => l.startsWith('meshbench_run_requested_rate{run_id="run-max"'))).toBe(false);
  });
});
