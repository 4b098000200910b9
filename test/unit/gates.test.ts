import { describe, expect, it } from "vitest";
import { type CompareRunInput, judgeGates, regression } from "~/core/compare";
import { GATE_MIN_TAIL_SAMPLES, type Gate, gateLabel, gatesSchema, judgeGate } from "~/core/gates";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import { runSpecSchema } from "~/core/spec";
import { sampleNormal, seededRng } from "~/core/stats";

/**
 * The gate rule on synthetic runs: each repetition is a lognormal-ish latency histogram around a
 * median, with a run-to-run wobble of its own, so the interval carries real run-to-run variation.
 */
function syntheticRun(
  id: string,
  options: { medianUs: number; shiftUs?: number; requests: number; repetitions?: number; seed: number },
): CompareRunInput {
  const rng = seededRng(options.seed);
  const repetitions = options.repetitions ?? 3;
  const spec = runSpecSchema.parse({ mesh: "baseline", rate: 1000, connections: 8, durationSeconds: 10, repetitions });
  return {
    id,
    name: id,
    mesh: "baseline",
    backend: "LOCAL",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-01T10:00:00Z"),
    startedAt: null,
    finishedAt: new Date("2026-11-01T10:01:00Z"),
    createdBy: null,
    spec,
    probes: [],
    repetitions: Array.from({ length: repetitions }, (_, i) => {
      const histogram = createLatencyHistogram();
      // Each repetition lands a little apart from the others (about ±0.3%), as real ones do.
      const wobble = 1 + 0.003 * sampleNormal(rng);
      for (let n = 0; n < options.requests; n++) {
        const us = options.medianUs * wobble * Math.exp(0.25 * sampleNormal(rng)) + (options.shiftUs ?? 0);
        recordLatencyUs(histogram, Math.max(1, Math.round(us)));
      }
      return {
        iteration: i + 1,
        requestedQps: 1000,
        actualQps: 1000,
        count: options.requests,
        errorCount: 0,
        errors: {},
        histogram,
        components: [],
        measuredSeconds: 10,
      };
    }),
  };
}

const p50Gate: Gate = { percentile: "p50", minEffect: { percent: 5, us: 50 } };
const p99Gate: Gate = { percentile: "p99", minEffect: { percent: 5, us: 50 } };
const judge = (run: CompareRunInput, base: CompareRunInput, gates: Gate[]) =>
  judgeGates(run, base, gates, { iterations: 400 }).results;

describe("gates: a regression only when the interval lies wholly beyond the minimum effect", () => {
  const baseline = syntheticRun("baseline", { medianUs: 1_000, requests: 4_000, seed: 1 });

  it("calls a clear shift a regression, and says by how much with its interval", () => {
    const slower = syntheticRun("slower", { medianUs: 1_000, shiftUs: 300, requests: 4_000, seed: 2 });
    const [p50, p99] = judge(slower, baseline, [p50Gate, p99Gate]);
    expect(p50?.verdict).toBe("regressed");
    expect(p50?.change?.absoluteCi?.lo).toBeGreaterThan(50);
    expect(p50?.explanation).toMatch(/^95% CI \+\d+ µs … \+\d+ µs \(\+\d+\.\d% … \+\d+\.\d%\) lies wholly above/);
    expect(p99?.verdict).toBe("regressed");
  });

  it("calls a shift below the minimum effect no change, even when the interval excludes zero", () => {
    // +40 µs on a 1 ms median: real (the interval is above zero) but under 50 µs and 5%.
    const slightly = syntheticRun("slightly", { medianUs: 1_000, shiftUs: 40, requests: 8_000, seed: 3 });
    const [p50] = judge(slightly, baseline, [p50Gate]);
    expect(p50?.change?.absoluteCi?.lo).toBeGreaterThan(0);
    expect(p50?.verdict).toBe("no change");
    // The same shift against a gate with no minimum is a regression: the minimum is what silenced it.
    const [strict] = judge(slightly, baseline, [{ percentile: "p50", minEffect: { percent: 0, us: 0 } }]);
    expect(strict?.verdict).toBe("regressed");
  });

  it("calls a run of the same distribution no change, and a faster one improved", () => {
    const same = syntheticRun("same", { medianUs: 1_000, requests: 4_000, seed: 4 });
    expect(judge(same, baseline, [p50Gate, p99Gate]).map((r) => r.verdict)).toEqual(["no change", "no change"]);
    const faster = syntheticRun("faster", { medianUs: 700, requests: 4_000, seed: 5 });
    expect(judge(faster, baseline, [p50Gate])[0]?.verdict).toBe("improved");
  });

  it("says not enough data when too few requests lie above the percentile, however large the shift", () => {
    // 3 × 1,000 requests: 30 above p99 in each run, under GATE_MIN_TAIL_SAMPLES; p50 has 1,500.
    const small = syntheticRun("small base", { medianUs: 1_000, requests: 1_000, seed: 6 });
    const slow = syntheticRun("small slow", { medianUs: 1_000, shiftUs: 2_000, requests: 1_000, seed: 7 });
    const [p50, p99, p999] = judge(slow, small, [p50Gate, p99Gate, { percentile: "p99.9", minEffect: { percent: 5, us: 50 } }]);
    expect(p50?.verdict).toBe("regressed");
    expect(p99?.verdict).toBe("not enough data");
    expect(p99?.noVerdictReason).toBe("few-tail-samples");
    expect(p99?.tailSamples.run).toBeLessThan(GATE_MIN_TAIL_SAMPLES);
    expect(p99?.explanation).toContain("too few requests above p99");
    expect(p999?.verdict).toBe("not enough data");
  });

  it("says not enough data for a single-repetition run (no interval for the difference)", () => {
    const once = syntheticRun("once", { medianUs: 1_000, shiftUs: 2_000, requests: 12_000, repetitions: 1, seed: 8 });
    const [p50] = judge(once, baseline, [p50Gate]);
    expect(p50?.verdict).toBe("not enough data");
    expect(p50?.noVerdictReason).toBe("single-repetition");
    expect(p50?.explanation).toContain("one repetition");
  });

  it("needs both minimums: the relative one decides on a slow baseline, the absolute one on a fast one", () => {
    const change = (lo: number, hi: number, baseUs: number) => ({
      absoluteUs: (lo + hi) / 2,
      percent: ((lo + hi) / 2 / baseUs) * 100,
      absoluteCi: { lo, hi },
      percentCi: { lo: (lo / baseUs) * 100, hi: (hi / baseUs) * 100 },
      ciUnavailable: null,
    });
    const sides = [
      { name: "run", tailSamples: 500 },
      { name: "base", tailSamples: 500 },
    ] as const;
    const on = (baselineUs: number) => ({ runUs: null, baselineUs });
    // +60…+80 µs on 10 ms is under 5%; on 100 µs it is above both minimums.
    expect(judgeGate(p50Gate, change(60, 80, 10_000), ...sides, on(10_000)).verdict).toBe("no change");
    expect(judgeGate(p50Gate, change(60, 80, 100), ...sides, on(100)).verdict).toBe("regressed");
    // +20…+30 µs on 100 µs is +20% but under 50 µs.
    expect(judgeGate(p50Gate, change(20, 30, 100), ...sides, on(100)).verdict).toBe("no change");
    // An interval reaching into the minimum is not wholly above it.
    expect(judgeGate(p50Gate, change(40, 400, 100), ...sides, on(100)).verdict).toBe("no change");
    expect(judgeGate(p50Gate, change(-400, -60, 100), ...sides, on(100)).verdict).toBe("improved");
    // A change many times the baseline is judged on the absolute interval, whatever a ratio's interval says.
    const huge = { ...change(999_800, 1_000_600, 236), percentCi: { lo: -269_112, hi: 1_116_748 } };
    expect(judgeGate(p50Gate, huge, ...sides, on(236)).verdict).toBe("regressed");
  });

  it("drives the dashboard's regression view with the same rule (p99, 5% and 50 µs)", () => {
    const slightly = syntheticRun("slightly", { medianUs: 1_000, shiftUs: 40, requests: 8_000, seed: 3 });
    const r = regression(slightly, baseline, { iterations: 400 });
    expect(r.gate.gate).toEqual(p99Gate);
    expect(r.verdict).toBe("no change");
    const small = syntheticRun("small base", { medianUs: 1_000, requests: 1_000, seed: 6 });
    const slow = syntheticRun("small slow", { medianUs: 1_000, shiftUs: 2_000, requests: 1_000, seed: 7 });
    const thin = regression(slow, small, { iterations: 400 });
    expect(thin.verdict).toBeNull();
    expect(thin.noVerdictReason).toBe("few-tail-samples");
  });
});

describe("gate definitions", () => {
  it("default the minimum effect to 5% and 50 µs and allow one gate per percentile", () => {
    expect(gatesSchema.parse([{ percentile: "p99.9" }])).toEqual([{ percentile: "p99.9", minEffect: { percent: 5, us: 50 } }]);
    expect(gatesSchema.safeParse([{ percentile: "p99" }, { percentile: "p99" }]).success).toBe(false);
    expect(gatesSchema.safeParse([{ percentile: "p95" }]).success).toBe(false);
    expect(gatesSchema.safeParse([{ percentile: "p99", minEffect: { percent: -1 } }]).success).toBe(false);
    expect(gatesSchema.safeParse([{ percentile: "p99", threshold: 3 }]).success).toBe(false);
    expect(gateLabel({ percentile: "p99", minEffect: { percent: 5, us: 1500 } })).toBe("p99 ≥ +5% and +1.5 ms");
  });
});
