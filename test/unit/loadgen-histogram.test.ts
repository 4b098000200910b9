import { describe, expect, it } from "vitest";
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  percentileSpectrum,
  recordLatencyUs,
  summarize,
} from "~/core/histogram";

/** HDR at 3 significant digits: any reported value is within 0.1% of the true one. */
function near(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.001));
}

describe("summarize", () => {
  it("is null for an empty histogram: nothing measured is not 0 µs", () => {
    expect(summarize(createLatencyHistogram())).toBeNull();
  });

  it("matches a uniform distribution 1..10000 µs", () => {
    const h = createLatencyHistogram();
    for (let v = 1; v <= 10_000; v++) h.recordValue(v);
    const s = summarize(h);
    expect(s).not.toBeNull();
    near(s?.minUs, 1);
    near(s?.maxUs, 10_000);
    near(s?.meanUs, 5_000.5);
    near(s?.p50Us, 5_000);
    near(s?.p75Us, 7_500);
    near(s?.p90Us, 9_000);
    near(s?.p99Us, 9_900);
    near(s?.p999Us, 9_990);
  });

  it("matches a two-mode distribution (99% fast, 1% slow)", () => {
    const h = createLatencyHistogram();
    h.recordValueWithCount(200, 9_900);
    h.recordValueWithCount(50_000, 100);
    const s = summarize(h);
    near(s?.p50Us, 200);
    near(s?.p90Us, 200);
    near(s?.p99Us, 200); // exactly 99% are ≤ 200
    near(s?.p999Us, 50_000);
    near(s?.meanUs, 0.99 * 200 + 0.01 * 50_000);
    near(s?.maxUs, 50_000);
  });

  it("reports a recorded zero as the minimum and keeps percentiles ordered", () => {
    const h = createLatencyHistogram();
    for (const v of [0, 3, 70, 900, 12_000, 480_000]) h.recordValue(v);
    const s = summarize(h);
    expect(s?.minUs).toBe(0);
    const order = [s?.minUs, s?.p50Us, s?.p75Us, s?.p90Us, s?.p99Us, s?.p999Us, s?.maxUs].map(Number);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("clamps out-of-range values instead of growing the histogram", () => {
    const h = createLatencyHistogram();
    recordLatencyUs(h, -5);
    recordLatencyUs(h, 9e12);
    recordLatencyUs(h, 12.6);
    expect(h.totalCount).toBe(3);
    expect(h.maxValue).toBeLessThanOrEqual(3_600_000_000 * 1.001);
    expect(summarize(h)?.minUs).toBe(0);
  });
});

describe("encoding, merging, spectrum", () => {
  it("survives the compressed base64 round trip", () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 5_000; i++) h.recordValue(100 + ((i * 7919) % 3_000));
    const back = decodeHistogram(encodeHistogram(h));
    expect(back.totalCount).toBe(5_000);
    expect(summarize(back)).toEqual(summarize(h));
  });

  it("pools histograms instead of averaging percentiles", () => {
    const fast = createLatencyHistogram();
    const slow = createLatencyHistogram();
    fast.recordValueWithCount(100, 900);
    slow.recordValueWithCount(10_000, 100);
    const merged = mergeHistograms([fast, slow]);
    expect(merged.totalCount).toBe(1_000);
    near(summarize(merged)?.p50Us, 100);
    near(summarize(merged)?.p99Us, 10_000);
    expect(mergeHistograms([]).totalCount).toBe(0);
  });

  it("gives a monotonic spectrum that ends at the max and stops where the data does", () => {
    const h = createLatencyHistogram();
    for (let v = 1; v <= 1_000; v++) h.recordValue(v * 10);
    const points = percentileSpectrum(h);
    expect(points[0]?.percentile).toBe(0);
    expect(points.at(-1)).toMatchObject({ percentile: 100, inverseTail: 1_000 });
    near(points.at(-1)?.valueUs, 10_000);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]?.percentile ?? 0).toBeGreaterThan(points[i - 1]?.percentile ?? 0);
      expect(points[i]?.valueUs ?? 0).toBeGreaterThanOrEqual(points[i - 1]?.valueUs ?? 0);
    }
    // 1000 samples resolve the tail to 99.9%: no tick beyond that except the max.
    expect(points.filter((p) => p.percentile > 99.9 && p.percentile < 100)).toHaveLength(0);
    expect(percentileSpectrum(createLatencyHistogram())).toEqual([]);
    expect(JSON.parse(JSON.stringify(points))).toEqual(points);
  });
});
