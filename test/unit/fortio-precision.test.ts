import { describe, expect, it } from "vitest";
import { fortioBucketWidthUs, fortioFineRangeUs, fortioResolutionSeconds } from "~/core/fortio-precision";

/** fortio's buckets (fortio/fortio stats/stats.go) and the resolution each reported figure has. */
describe("fortio precision", () => {
  it("chooses a resolution whose fine buckets cover a mesh's latencies", () => {
    expect(fortioResolutionSeconds({ mode: "fixed-rate" })).toBe(0.00005);
    expect(fortioResolutionSeconds({ mode: "max" })).toBe(0.0001);
    expect(fortioFineRangeUs(0.00005)).toEqual({ fromUs: 500, toUs: 50_000 });
  });

  it("gives each latency its bucket's width", () => {
    const r = 0.00005; // 50 µs units
    expect(fortioBucketWidthUs(120, r)).toBe(50); // 2.4 units: 1-unit buckets
    expect(fortioBucketWidthUs(800, r)).toBeCloseTo(100, 9); // 16 units: 2-unit buckets
    expect(fortioBucketWidthUs(3_000, r)).toBeCloseTo(500, 9); // 60 units: 60-70
    expect(fortioBucketWidthUs(40_000, r)).toBeCloseTo(5_000, 9); // 800 units: 800-900
    expect(fortioBucketWidthUs(60_000, r)).toBeCloseTo(50_000, 9); // 1200 units: 1000-2000
    expect(fortioBucketWidthUs(6_000_000, r)).toBeNull(); // above fortio's last bound
    // The example: 1 µs units put 1-5 ms into 1 ms buckets.
    expect(fortioBucketWidthUs(2_500, 0.000001)).toBeCloseTo(1_000, 9);
  });
});
