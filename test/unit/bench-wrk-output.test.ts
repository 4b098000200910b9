import { describe, expect, it } from "vitest";
import { parseWrkBytes, parseWrkMetric, parseWrkTimeUs } from "~/bench/lib/units";
import { JSON_MARKER, parseWrkOutput, wrkErrorCount } from "~/bench/lib/wrk-output";

const PLAIN_LATENCY = `Running 5s test @ http://127.0.0.1:18080/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   224.16us  322.16us   9.19ms   97.94%
    Req/Sec    59.62k     8.59k   78.85k    62.00%
  Latency Distribution
     50%  187.00us
     75%  221.00us
     90%  251.00us
     99%    1.43ms
  296292 requests in 5.00s, 59.90MB read
Requests/sec:  59250.25
Transfer/sec:     11.98MB
`;

const SLOW_WITH_ERRORS_AND_SCRIPT = `Running 2s test @ http://127.0.0.1:3000/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20s   300.00ms    1.00m    70.00%
    Req/Sec    20.00      5.00    30.00     60.00%
  Latency Distribution
     50%    1.10s
     75%    1.40s
     90%    1.80s
     99%    2.00s
  40 requests in 2.00s, 1.20MB read
  Socket errors: connect 1, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 5
Requests/sec:     19.98
Transfer/sec:    614.40KB
${JSON_MARKER}{"requests":40,"durationUs":2000123,"p50":1100000,"p95":1900000,"p99":2000000}
`;

describe("wrk units", () => {
  it("reads times in us, ms, s, m and h as microseconds", () => {
    expect(parseWrkTimeUs("187.00us")).toBe(187);
    expect(parseWrkTimeUs("1.43ms")).toBeCloseTo(1430);
    expect(parseWrkTimeUs("2.00s")).toBe(2_000_000);
    expect(parseWrkTimeUs("1.50m")).toBe(90_000_000);
    expect(parseWrkTimeUs("1.00h")).toBe(3_600_000_000);
    expect(parseWrkTimeUs("12 ms")).toBeNull();
    expect(parseWrkTimeUs("fast")).toBeNull();
  });

  it("reads metric counts (×1000) and binary byte sizes (×1024)", () => {
    expect(parseWrkMetric("59.62k")).toBeCloseTo(59_620);
    expect(parseWrkMetric("1.20M")).toBeCloseTo(1_200_000);
    expect(parseWrkMetric("505.00")).toBe(505);
    expect(parseWrkMetric("5x")).toBeNull();
    expect(parseWrkBytes("59.90MB")).toBeCloseTo(59.9 * 1024 * 1024);
    expect(parseWrkBytes("302.27KB")).toBeCloseTo(302.27 * 1024);
    expect(parseWrkBytes("512.00B")).toBe(512);
    expect(parseWrkBytes("1.2MiB")).toBeNull();
  });
});

describe("parseWrkOutput", () => {
  it("parses the summary and the --latency distribution", () => {
    const w = parseWrkOutput(PLAIN_LATENCY);
    expect(w.threads).toBe(1);
    expect(w.connections).toBe(16);
    expect(w.latency?.avgUs).toBeCloseTo(224.16);
    expect(w.latency?.maxUs).toBeCloseTo(9190);
    expect(w.distribution).toEqual({ 50: 187, 75: 221, 90: 251, 99: 1430 });
    expect(w.requests).toBe(296_292);
    expect(w.durationSeconds).toBe(5);
    expect(w.bytesRead).toBeCloseTo(59.9 * 1024 * 1024);
    expect(w.requestsPerSecond).toBeCloseTo(59_250.25);
    expect(w.non2xx3xx).toBe(0);
    expect(w.scriptJson).toBeNull();
    expect(wrkErrorCount(w)).toBe(0);
  });

  it("parses seconds and minutes, socket errors, non-2xx responses and the script's JSON line", () => {
    const w = parseWrkOutput(SLOW_WITH_ERRORS_AND_SCRIPT);
    expect(w.latency).toEqual({ avgUs: 1_200_000, stdevUs: 300_000, maxUs: 60_000_000 });
    expect(w.distribution[50]).toBe(1_100_000);
    expect(w.distribution[99]).toBe(2_000_000);
    expect(w.socketErrors).toEqual({ connect: 1, read: 2, write: 0, timeout: 3 });
    expect(w.non2xx3xx).toBe(5);
    expect(wrkErrorCount(w)).toBe(11);
    expect(w.scriptJson).toEqual({ requests: 40, durationUs: 2_000_123, p50: 1_100_000, p95: 1_900_000, p99: 2_000_000 });
  });

  it("does not take percentile-looking lines outside the distribution block", () => {
    const w = parseWrkOutput(PLAIN_LATENCY.replace("  Latency Distribution\n", ""));
    expect(w.distribution).toEqual({});
  });

  it("throws when wrk printed no summary (it failed or was killed)", () => {
    expect(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused\n")).toThrow(/no summary/);
    expect(() => parseWrkOutput(PLAIN_LATENCY.replace("Requests/sec:  59250.25\n", ""))).toThrow(/no summary/);
  });

  it("rejects a script line that is not a JSON object", () => {
    expect(() => parseWrkOutput(`${PLAIN_LATENCY}${JSON_MARKER}[1,2]\n`)).toThrow(/not an object/);
  });
});
