import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeHistogram } from "~/core/histogram";
import { detectFormat, parseImport } from "~/core/imports/detect";
import { inferHlogUnit } from "~/core/imports/hlog";
import { goDurationSeconds } from "~/core/imports/reported";
import { ImportError, MAX_IMPORT_BYTES } from "~/core/imports/types";
import { fieldPath } from "~/core/imports/zod-issue";
import { writeHlog } from "../fixtures/imports/hlog";

/** Files: test/fixtures/imports/README.md says how each was built; fortio's are the repository's fixtures. */
const fixture = (dir: string, name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures", dir, name), "utf8");

function importError(text: string): ImportError {
  try {
    parseImport(text);
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error("expected an ImportError");
}

describe("format detection reads the content", () => {
  it("tells each format apart, whatever the file is called", () => {
    expect(detectFormat(fixture("fortio", "fixed-rate-1000qps.json"))?.format).toBe("fortio-json");
    expect(detectFormat(fixture("imports", "k6-summary-export.json"))?.format).toBe("k6-summary");
    expect(detectFormat(fixture("imports", "k6-handle-summary.json"))?.format).toBe("k6-summary");
    expect(detectFormat(fixture("imports", "smp-result.json"))?.format).toBe("smp");
    expect(detectFormat(fixture("imports", "smp-result.yaml"))?.format).toBe("smp");
    expect(detectFormat(writeHlog([[100, 200]], { unit: "us" }))?.format).toBe("hlog");
    expect(detectFormat('{"hello": "world"}')).toBeNull();
    expect(detectFormat("just: some yaml")).toBeNull();
    expect(detectFormat("a,b,c\n1,2,3\n")).toBeNull();
  });

  it("refuses what it cannot import with the problem named", () => {
    expect(importError("").code).toBe("EMPTY");
    expect(importError("col1,col2\n").message).toMatch(/^format not recognised: expected fortio's -json output/);
    const big = importError(`{"x": "${"a".repeat(MAX_IMPORT_BYTES)}"}`);
    expect(big.code).toBe("TOO_LARGE");
    expect(big.message).toMatch(/^file too large: \d+ bytes; the limit is 655360 bytes/);
  });
});

describe("fortio", () => {
  it("counts 2xx as OK, as fortio does, and records the bucket at p50", () => {
    const fortio = JSON.parse(fixture("fortio", "fixed-rate-1000qps.json"));
    fortio.RetCodes = { "200": 9000, "201": 1000 };
    const parsed = parseImport(JSON.stringify(fortio));
    expect(parsed.count).toBe(10_000);
    expect(parsed.errors).toEqual({});
    // p50 lies in the 0.6-0.7 ms bucket: 100 µs wide.
    expect(parsed.bucketResolution?.bucketWidthAtP50Us).toBeCloseTo(100, 6);
    expect(parsed.warnings.some((w) => w.includes("coarse"))).toBe(true);
    expect(parsed.requestedQps).toBe(1000);
    expect(parsed.connections).toBe(16);
  });
});

describe("HdrHistogram logs", () => {
  it("keeps the exact histogram: same percentiles as the intervals added up", () => {
    const intervals = [
      [101, 102, 103, 1500],
      [99, 250, 251, 252, 253, 30_000],
    ];
    const parsed = parseImport(writeHlog(intervals, { unit: "us" }));
    if (parsed.latency.kind !== "histogram") throw new Error("expected a histogram");
    const h = decodeHistogram(parsed.latency.histogram);
    const all = intervals.flat().sort((a, b) => a - b);
    expect(h.totalCount).toBe(all.length);
    expect(h.getValueAtPercentile(50)).toBe(all[Math.ceil(all.length / 2) - 1]);
    expect(parsed.perSecond).toEqual([4, 6]);
    expect(parsed.startedAt?.toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(parsed.toolVersion).toBe("1.3");
    h.destroy();
  });

  it("reads the unit from the writer's maxValueUnitRatio, or needs it", () => {
    const h = (max: number) => ({ histogram: { maxValue: max } as never, loggedMax: 1 });
    expect(inferHlogUnit([h(1_000_000)])).toBe("ns");
    expect(inferHlogUnit([h(1000)])).toBe("us");
    expect(inferHlogUnit([h(1)])).toBe("ms");
    expect(inferHlogUnit([h(37)])).toBeNull();
    const text = writeHlog([[5_000_000]], { unit: "ns" });
    const parsed = parseImport(text);
    if (parsed.latency.kind !== "histogram") throw new Error("expected a histogram");
    const hist = decodeHistogram(parsed.latency.histogram);
    // 5 ms in ns, converted to µs: within HDR's 0.1% precision of 5000 µs.
    expect(Math.abs(hist.maxValue - 5000)).toBeLessThanOrEqual(5);
    hist.destroy();
  });

  it("refuses a log of several tagged series", () => {
    const text =
      writeHlog([[1]], { unit: "us", tag: "a" }) +
      writeHlog([[2]], { unit: "us", tag: "b" })
        .split("\n")
        .slice(3)
        .join("\n");
    expect(importError(text).message).toMatch(/tagged series/);
  });
});

describe("SMP and k6: percentiles only", () => {
  it("SMP keeps p50, p90, p99 and the extremes in µs, with no count and no errors", () => {
    const parsed = parseImport(fixture("imports", "smp-result.json"));
    expect(parsed.latency).toEqual({
      kind: "percentiles",
      percentiles: [
        { percentile: 50, valueUs: 1105 },
        { percentile: 90, valueUs: 1873 },
        { percentile: 99, valueUs: 3912 },
      ],
      minUs: 412,
      meanUs: 1284,
      maxUs: 12_500,
    });
    expect(parsed.count).toBeNull();
    expect(parsed.errors).toBeNull();
    expect(parsed.durationSeconds).toBe(30);
    expect(parsed.requestedQps).toBe(1000);
  });

  it("SMP's older spelling actual_QPS reads like actual_qps", () => {
    const doc = {
      latencies_ms: { p50: 1 },
      actual_QPS: 12.5,
      start_time: "2026-01-01T00:00:00Z",
      end_time: "2026-01-01T00:00:10Z",
    };
    expect(parseImport(JSON.stringify(doc)).actualQps).toBe(12.5);
  });

  it("k6: med is p50, p(N) is pN, ms to µs, the run's length from count / rate", () => {
    const parsed = parseImport(fixture("imports", "k6-summary-export.json"));
    expect(parsed.latency.kind).toBe("percentiles");
    if (parsed.latency.kind !== "percentiles") return;
    expect(parsed.latency.percentiles.map((p) => p.percentile)).toEqual([50, 90, 95]);
    expect(parsed.latency.percentiles[0]?.valueUs).toBeCloseTo(2097.7, 6);
    expect(parsed.durationSeconds).toBeCloseTo(30, 9);
    expect(parsed.count).toBe(29_900);
    expect(parsed.errors).toEqual({ http_req_failed: 50 });
  });
});

describe("helpers", () => {
  it("fieldPath and Go durations", () => {
    expect(fieldPath(["metrics", "http_req_duration", "p(95)"])).toBe('metrics.http_req_duration["p(95)"]');
    expect(fieldPath(["Data", 3, "Count"])).toBe("Data[3].Count");
    expect(goDurationSeconds("1m30s")).toBe(90);
    expect(goDurationSeconds("250ms")).toBe(0.25);
    expect(goDurationSeconds("soon")).toBeNull();
  });
});
