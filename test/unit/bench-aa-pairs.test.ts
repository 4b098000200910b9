import { describe, expect, it } from "vitest";
import { countCalledDifferent } from "~/bench/aa/pairs";
import type { CompareRunInput } from "~/core/compare";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import { runSpecSchema } from "~/core/spec";
import { sampleNormal, seededRng } from "~/core/stats";

/** A run of identical spec whose repetitions land at `levels` (× 500 µs), 3,000 requests each. */
function run(id: string, levels: number[]): CompareRunInput {
  return {
    id,
    name: id,
    mesh: "baseline",
    backend: "LOCAL",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-30T10:00:00Z"),
    startedAt: null,
    finishedAt: null,
    createdBy: null,
    spec: runSpecSchema.parse({ mesh: "baseline", rate: 500, repetitions: levels.length }),
    repetitions: levels.map((level, i) => {
      const rng = seededRng(id.length * 100 + i);
      const h = createLatencyHistogram();
      for (let n = 0; n < 3000; n++) recordLatencyUs(h, level * Math.exp(Math.log(500) + 0.3 * sampleNormal(rng)));
      return {
        iteration: i + 1,
        requestedQps: 500,
        actualQps: 500,
        count: 3000,
        errorCount: 0,
        errors: {},
        histogram: h,
        components: [],
        measuredSeconds: 6,
      };
    }),
    probes: [],
  };
}

describe("A/A pair counting", () => {
  it("never calls single-repetition runs different, where a sampling-only interval calls every pair different", () => {
    const counts = countCalledDifferent([run("a", [1]), run("bb", [1.15]), run("ccc", [1.3])], 300);
    expect(counts.pairs).toBe(3);
    expect(counts.withInterval).toBe(0);
    expect(counts.calledDifferent).toEqual({ p50: 0, p99: 0 });
    expect(counts.samplingOnlyDifferent.p50).toBe(3);
  });

  it("counts a pair of three-repetition runs as different only when their levels really differ", () => {
    const same = [run("a", [1, 1.05, 0.95]), run("bb", [1.02, 0.97, 1.01])];
    expect(countCalledDifferent(same, 300)).toMatchObject({ pairs: 1, withInterval: 1, calledDifferent: { p50: 0 } });
    const apart = [run("a", [1, 1.01, 0.99]), run("bb", [2, 2.02, 1.98])];
    expect(countCalledDifferent(apart, 300).calledDifferent).toEqual({ p50: 1, p99: 1 });
  });
});
