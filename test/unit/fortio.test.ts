import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeHistogram } from "~/core/histogram";
import {
  FELL_BEHIND_RATIO,
  fortioErrors,
  fortioHistogramToHdr,
  parseFortioJson,
  parseFortioOutput,
  parseFortioResult,
  parseRequestedQps,
} from "~/core/parsers/fortio";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures/fortio", `${name}.json`), "utf8");

describe("fortio JSON → IterationResult", () => {
  it("fixed rate, all 200: counts, rate, timing and an HDR histogram that keeps min and max exactly", () => {
    const { result, loadGenerator, warnings, version, fortioPercentilesUs } = parseFortioJson(fixture("fixed-rate-1000qps"), {
      iteration: 2,
    });
    expect(result.iteration).toBe(2);
    expect(result.requestedQps).toBe(1000);
    expect(result.count).toBe(10_000);
    expect(result.errors).toEqual({});
    expect(result.measuredSeconds).toBeCloseTo(10.0013, 6);
    expect(result.actualQps).toBeCloseTo(10_000 / 10.0013, 6);
    expect(result.perSecond).toEqual([]);
    expect(result.components).toEqual([]);
    expect(result.startedAt.toISOString()).toBe("2026-11-27T15:50:01.123Z");
    expect(result.finishedAt.getTime() - result.startedAt.getTime()).toBe(10_001);
    expect(loadGenerator).toEqual({
      requestedQps: 1000,
      actualQps: expect.closeTo(999.87, 2),
      ratio: expect.any(Number),
      fellBehind: false,
    });
    expect(warnings).toEqual([]);
    expect(version).toBe("1.69.1");

    const h = decodeHistogram(result.histogram);
    expect(h.totalCount).toBe(10_000);
    const latency = result.latency;
    if (!latency) throw new Error("latency missing");
    expect(latency.minUs).toBe(412);
    expect(latency.maxUs).toBe(3871);
    // The iteration's figures are fortio's own: its interpolated percentiles and its exact Avg.
    expect(latency.p50Us).toBeCloseTo(661.538, 3);
    expect(latency.p50Us).toBe(fortioPercentilesUs["50"]);
    expect(latency.p75Us).toBe(fortioPercentilesUs["75"]);
    expect(latency.p99Us).toBe(fortioPercentilesUs["99"]);
    expect(latency.meanUs).toBeCloseTo(728.4075, 6);
    // The HDR histogram (midpoints) stays within the bucket: its own p50 lies in the same 600-700 µs bucket.
    const hdrP50 = h.getValueAtPercentile(50);
    expect(hdrP50).toBeGreaterThanOrEqual(600);
    expect(hdrP50).toBeLessThanOrEqual(700);
  });

  it("error run: RetCodes become http_<code> and connection_error, failed requests leave the histogram", () => {
    const { result, warnings } = parseFortioJson(fixture("errors-503-and-connection"), { iteration: 0 });
    expect(result.count).toBe(2300);
    expect(result.errors).toEqual({ http_503: 150, connection_error: 50 });
    expect(result.requestedQps).toBe(500);
    expect(result.actualQps).toBeCloseTo(2300 / 5.0009, 6);
    const h = decodeHistogram(result.histogram);
    expect(h.totalCount).toBe(2300);
    // The 20 slow requests (50 ms … 250 ms) were all failures: the successes' max is in the 1–2 ms bucket.
    expect(result.latency?.maxUs).toBeLessThanOrEqual(2000);
    expect(result.latency?.maxUs).toBeGreaterThanOrEqual(1000);
    expect(result.latency?.minUs).toBe(298);
    expect(warnings).toEqual([]);
  });

  it("errors without ErrorsDurationHistogram (older fortio): kept in the histogram, with a warning", () => {
    const raw = JSON.parse(fixture("errors-503-and-connection")) as Record<string, unknown>;
    delete raw.ErrorsDurationHistogram;
    const { result, warnings } = parseFortioJson(JSON.stringify(raw), { iteration: 0 });
    expect(decodeHistogram(result.histogram).totalCount).toBe(2500);
    expect(result.latency?.maxUs).toBe(250_120);
    expect(warnings.join("\n")).toMatch(/includes failed requests/);
  });

  it('RequestedQPS "max": no requested rate, never "fell behind"', () => {
    const { result, loadGenerator, version } = parseFortioJson(fixture("max-throughput"), { iteration: 1 });
    expect(result.requestedQps).toBeNull();
    expect(loadGenerator.fellBehind).toBe(false);
    expect(loadGenerator.ratio).toBeNull();
    expect(result.count).toBe(200_000);
    expect(result.actualQps).toBeCloseTo(200_000 / 15.0002, 3);
    expect(decodeHistogram(result.histogram).totalCount).toBe(200_000);
    expect(result.latency?.maxUs).toBe(9110);
    expect(version).toBe("1.63.0");
  });

  it("flags a load generator that fell behind its requested rate", () => {
    const { loadGenerator, warnings } = parseFortioJson(fixture("fell-behind-5000qps"), { iteration: 0 });
    expect(loadGenerator.fellBehind).toBe(true);
    expect(loadGenerator.ratio).toBeLessThan(FELL_BEHIND_RATIO);
    expect(loadGenerator.ratio).toBeCloseTo(0.84, 2);
    expect(warnings.join("\n")).toMatch(/fell behind: 4199\.8 req\/s of 5000 requested/);
  });

  it("finds the JSON object in a pod log with fortio's log lines around it", () => {
    const log = [
      '{"ts":1764258601.1,"level":"info","msg":"Fortio 1.69.1 running at 1000 queries per second"}',
      "Fortio 1.69.1 running at 1000 queries per second, 2->2 procs, for 10s: http://fortio-server:8080/echo",
      fixture("fixed-rate-1000qps"),
      "All done 10000 calls 0.712 ms avg, 999.9 qps",
    ].join("\n");
    // The first line is itself JSON (structured logging): the object parsed must still be fortio's result.
    expect(parseFortioJson(log, { iteration: 0 }).result.count).toBe(10_000);
    const compact = `${log.split("\n")[0]}\n${JSON.stringify(JSON.parse(fixture("max-throughput")))}\n`;
    expect(parseFortioJson(compact, { iteration: 0 }).result.count).toBe(200_000);
  });

  it("parseFortioResult: the driver's log is the JSON alone; anything mixed in is refused, never sliced", () => {
    const json = fixture("fixed-rate-1000qps");
    expect(parseFortioResult(json, { iteration: 1 }).result.count).toBe(10_000);
    const lines = json.split("\n");
    const mixed = [...lines.slice(0, 20), "Successfully wrote 3081 bytes of Json data to stdout", ...lines.slice(20)].join("\n");
    expect(() => parseFortioResult(mixed, { iteration: 1 })).toThrow(/^fortio output is not JSON/);
    expect(() => parseFortioResult('{"RunType":"HTTP"}', { iteration: 1 })).toThrow(/unexpected shape: RequestedQPS/);
  });

  it("rejects output that is not fortio's JSON, naming the field", () => {
    expect(() => parseFortioOutput("Aborting because of lookup fortio-server: no such host")).toThrow(/no JSON object/);
    expect(() => parseFortioOutput('{"RequestedQPS":"10"}')).toThrow(/ActualQPS/);
    expect(() => parseFortioOutput("{ not json }")).toThrow(/not JSON/);
  });

  it("uses the caller's start time when fortio wrote none", () => {
    const raw = JSON.parse(fixture("max-throughput")) as Record<string, unknown>;
    delete raw.StartTime;
    const startedAt = new Date("2026-01-01T00:00:00Z");
    const { result } = parseFortioJson(JSON.stringify(raw), { iteration: 0, startedAt });
    expect(result.startedAt).toEqual(startedAt);
    expect(() => parseFortioJson(JSON.stringify(raw), { iteration: 0 })).toThrow(/StartTime/);
  });
});

describe("fortio helpers", () => {
  it("parseRequestedQps: number strings, numbers, max and fortio's 0 / -1 for no limit", () => {
    expect(parseRequestedQps("max")).toBeNull();
    expect(parseRequestedQps("MAX")).toBeNull();
    expect(parseRequestedQps("250.5")).toBe(250.5);
    expect(parseRequestedQps(100)).toBe(100);
    expect(parseRequestedQps("0")).toBeNull();
    expect(parseRequestedQps(-1)).toBeNull();
    expect(() => parseRequestedQps("fast")).toThrow(/RequestedQPS/);
  });

  it("fortioErrors: what fortio counts OK (2xx and 418) is success, everything else an error kind, zero counts dropped", () => {
    expect(fortioErrors({ "200": 10, "204": 2, "418": 1, "503": 2, "-1": 3, "404": 0, "429": 1, "302": 4 })).toEqual({
      ok: 13,
      errors: { http_503: 2, connection_error: 3, http_429: 1, http_302: 4 },
    });
    expect(fortioErrors(null)).toEqual({ ok: 0, errors: {} });
  });

  it("fortioHistogramToHdr: records each bucket at its midpoint, min and max at their exact values", () => {
    const { histogram, unmatchedSubtracted } = fortioHistogramToHdr({
      Count: 12,
      Min: 0.00001,
      Max: 0.00009,
      Sum: 0,
      Avg: 0,
      Data: [
        { Start: 0.00001, End: 0.00002, Percent: 50, Count: 6 },
        { Start: 0.00008, End: 0.00009, Percent: 100, Count: 6 },
      ],
    });
    expect(unmatchedSubtracted).toBe(0);
    expect(histogram.totalCount).toBe(12);
    expect(histogram.minNonZeroValue).toBe(10);
    expect(histogram.maxValue).toBe(90);
    expect(histogram.getValueAtPercentile(25)).toBe(15);
    expect(histogram.getValueAtPercentile(75)).toBe(85);
  });

  it("fortioHistogramToHdr: an error bucket that matches nothing is reported, not silently lost", () => {
    const { histogram, unmatchedSubtracted } = fortioHistogramToHdr(
      { Count: 2, Min: 0.001, Max: 0.002, Sum: 0, Avg: 0, Data: [{ Start: 0.001, End: 0.002, Percent: 100, Count: 2 }] },
      { Count: 1, Min: 0.5, Max: 0.5, Sum: 0, Avg: 0, Data: [{ Start: 0.5, End: 0.5, Percent: 100, Count: 1 }] },
    );
    expect(unmatchedSubtracted).toBe(1);
    expect(histogram.totalCount).toBe(2);
  });
});
