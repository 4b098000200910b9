import { JsHistogram } from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  histogramMean,
  mergeHistograms,
  percentileSpectrum,
  recordLatencyUs,
  summarize,
} from "~/core/histogram";
import {
  bootstrapRun,
  bootstrapTInterval,
  bucketGrid,
  countAtPercentile,
  overhead,
  percentileInterval,
  runStatistics,
  sampleBeta,
  sampleNormal,
  seededRng,
  seedFromString,
  tailSamples,
  valueAtRank,
} from "~/core/stats";
import { noVerdictReason, verdictFor } from "~/core/verdict";

/** Log-normal latencies (µs): a realistic right-skewed shape with known quantiles. */
const MU = Math.log(800);
const SIGMA = 0.5;
const Z = { p50: 0, p99: 2.326347874, p999: 3.090232306 };
const trueQuantile = (z: number) => Math.exp(MU + SIGMA * z);

function lognormalHistogram(seed: number, n: number): Histogram {
  const rng = seededRng(seed);
  const h = createLatencyHistogram();
  for (let i = 0; i < n; i++) recordLatencyUs(h, Math.exp(MU + SIGMA * sampleNormal(rng)));
  return h;
}

function asJs(h: Histogram): JsHistogram {
  if (!(h instanceof JsHistogram)) throw new Error("expected a JS histogram");
  return h;
}

/** The CI is on HDR bucket values (3 significant digits): allow the true value's bucket. */
function covers(ci: { lo: number; hi: number } | null, truth: number, histogram: Histogram): boolean {
  if (!ci) return false;
  const js = asJs(histogram);
  return ci.lo <= js.highestEquivalentValue(truth) && ci.hi >= js.lowestEquivalentValue(truth);
}

describe("histogram mean", () => {
  it("is exactly the library's mean, also after an encode/decode round trip, and 0 when empty", () => {
    for (const seed of [1, 2, 3]) {
      const h = lognormalHistogram(seed, 20_000);
      recordLatencyUs(h, 3_000_000_000); // a value in the top buckets
      expect(histogramMean(h)).toBe(h.mean);
      const decoded = decodeHistogram(encodeHistogram(h));
      expect(histogramMean(decoded)).toBe(decoded.mean);
    }
    expect(histogramMean(createLatencyHistogram())).toBe(0);
    expect(summarize(lognormalHistogram(4, 1_000))?.meanUs).toBeGreaterThan(0);
  });
});

describe("histogram merge", () => {
  it("equals the histogram of the pooled samples, bucket by bucket", () => {
    const rng = seededRng(42);
    const parts = [createLatencyHistogram(), createLatencyHistogram(), createLatencyHistogram()];
    const pooled = createLatencyHistogram();
    for (let i = 0; i < 30_000; i++) {
      // a bimodal mix with a long tail, different per part
      const part = i % 3;
      const value = part === 2 && rng() < 0.05 ? 20_000 + rng() * 80_000 : 200 * (part + 1) * Math.exp(0.4 * sampleNormal(rng));
      const target = parts[part];
      if (!target) throw new Error("unreachable");
      recordLatencyUs(target, value);
      recordLatencyUs(pooled, value);
    }
    const merged = mergeHistograms(parts);
    expect(merged.totalCount).toBe(pooled.totalCount);
    const a = asJs(merged);
    const b = asJs(pooled);
    expect(a.countsArrayLength).toBe(b.countsArrayLength);
    for (let i = 0; i < a.countsArrayLength; i++) expect(a.getCountAtIndex(i)).toBe(b.getCountAtIndex(i));
    expect(summarize(merged)).toEqual(summarize(pooled));
    expect(percentileSpectrum(merged)).toEqual(percentileSpectrum(pooled));
    // and is not the average of the parts' percentiles
    const averaged = parts.reduce((s, h) => s + (summarize(h)?.p99Us ?? 0), 0) / parts.length;
    expect(Math.abs(averaged - (summarize(merged)?.p99Us ?? 0))).toBeGreaterThan(1000);
  });

  it("bucket grid ranks agree with HdrHistogram's getValueAtPercentile", () => {
    const h = lognormalHistogram(7, 12_345);
    const grid = bucketGrid([h]);
    const summary = summarize(h);
    for (const p of [0.1, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) {
      const rank = countAtPercentile(p, h.totalCount);
      const expected = Math.min(h.maxValue, Math.max(summary?.minUs ?? 0, h.getValueAtPercentile(p)));
      expect(valueAtRank(grid, [1], rank)).toBe(expected);
    }
    // a pool of two histograms, one counted twice, is the merge of three
    const g = lognormalHistogram(8, 5_000);
    const two = bucketGrid([h, g]);
    const pooled = mergeHistograms([h, g, g]);
    for (const p of [50, 99, 99.9]) {
      expect(valueAtRank(two, [1, 2], countAtPercentile(p, pooled.totalCount))).toBe(
        Math.min(pooled.maxValue, pooled.getValueAtPercentile(p)),
      );
    }
  });

  it("counts the requests above a percentile", () => {
    expect(countAtPercentile(99, 1000)).toBe(990);
    expect(tailSamples(99, 1000)).toBe(10);
    expect(tailSamples(99.9, 2000)).toBe(2);
    expect(tailSamples(50, 1)).toBe(0);
  });
});

describe("random numbers", () => {
  it("are reproducible from a seed and sample Beta with the right mean", () => {
    const a = seededRng(seedFromString("run-a"));
    const b = seededRng(seedFromString("run-a"));
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(seedFromString("run-a")).not.toBe(seedFromString("run-b"));
    const rng = seededRng(1);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += sampleBeta(rng, 990, 11);
    expect(sum / 20_000).toBeCloseTo(990 / 1001, 3);
  });
});

describe("bootstrap confidence intervals", () => {
  it("are deterministic for a seed", () => {
    const reps = [1, 2, 3].map((s) => ({ histogram: lognormalHistogram(s, 3000), actualQps: 1000 + s }));
    const one = runStatistics(reps, { seed: 99 }).stats;
    const two = runStatistics(reps, { seed: 99 }).stats;
    expect(one.latency).toEqual(two.latency);
    expect(one.throughput).toEqual(two.throughput);
    expect(one.latency.p99.ci).not.toBeNull();
  });

  for (const repetitions of [1, 3]) {
    it(`cover the true p50, p99 and p99.9 in at least 90% of seeded trials (${repetitions} repetition(s))`, () => {
      const trials = 200;
      const n = repetitions === 1 ? 20_000 : 8_000;
      const hits = { p50: 0, p99: 0, p999: 0 };
      const widths: number[] = [];
      for (let t = 0; t < trials; t++) {
        const reps = Array.from({ length: repetitions }, (_, r) => ({
          histogram: lognormalHistogram(1_000 * t + r + 1, n),
          actualQps: 1000,
        }));
        const { stats } = runStatistics(reps, { seed: 7_000 + t, iterations: 1_000 });
        const h = reps[0]?.histogram;
        if (!h) throw new Error("unreachable");
        for (const k of ["p50", "p99", "p999"] as const) if (covers(stats.latency[k].ci, trueQuantile(Z[k]), h)) hits[k]++;
        const ci = stats.latency.p99.ci;
        if (ci) widths.push((ci.hi - ci.lo) / trueQuantile(Z.p99));
      }
      expect(hits.p50 / trials).toBeGreaterThanOrEqual(0.9);
      expect(hits.p99 / trials).toBeGreaterThanOrEqual(0.9);
      expect(hits.p999 / trials).toBeGreaterThanOrEqual(0.9);
      // and they are not uselessly wide: a p99 from tens of thousands of requests is known to a few %
      const meanWidth = widths.reduce((a, b) => a + b, 0) / widths.length;
      expect(meanWidth).toBeLessThan(0.15);
      // 200 seeded bootstraps: seconds alone, several times that on a shared, busy machine.
    }, 60_000);
  }

  for (const repetitions of [2, 3, 5]) {
    it(`cover the true mean rate over ${repetitions} repetitions in at least 90% of trials`, () => {
      const trials = 300;
      let hits = 0;
      const histogram = lognormalHistogram(1, 100);
      for (let t = 0; t < trials; t++) {
        const rng = seededRng(50_000 + t);
        const reps = Array.from({ length: repetitions }, () => ({ histogram, actualQps: 1000 + 20 * sampleNormal(rng) }));
        const mean = reps.reduce((a, r) => a + r.actualQps, 0) / repetitions;
        const replicates = bootstrapRun(reps, { seed: t, iterations: 1_000 });
        const ci = bootstrapTInterval(mean, replicates?.throughput ?? null, repetitions);
        if (ci && ci.lo <= 1000 && ci.hi >= 1000) hits++;
      }
      expect(hits / trials).toBeGreaterThanOrEqual(0.9);
    });
  }

  it("gives no rate interval for a single repetition and nothing for an empty run", () => {
    const { stats } = runStatistics([{ histogram: lognormalHistogram(3, 1000), actualQps: 500 }], { seed: 1 });
    expect(stats.throughput).toEqual({ value: 500, ci: null });
    const empty = runStatistics([{ histogram: createLatencyHistogram(), actualQps: 0 }], { seed: 1 });
    expect(empty.replicates).toBeNull();
    expect(empty.stats.latency.p99).toEqual({ value: null, ci: null });
    expect(empty.stats.summary).toBeNull();
  });
});

const side = (value: number | null, replicates: number[] | null, repetitions = 3) => ({
  value,
  replicates: replicates ? Float64Array.from(replicates) : null,
  repetitions,
});

/** Unbiased sample variance. */
function variance(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
}

describe("overhead against a baseline", () => {
  it("is run minus baseline, in µs and %, with point ± t · SE over both runs' variances (Welch)", () => {
    const runReplicates = Array.from({ length: 1000 }, (_, i) => 1500 + (i % 100));
    const o = overhead(side(1550, runReplicates, 3), side(1000, Array(1000).fill(1000), 3));
    expect(o?.absoluteUs).toBe(550);
    expect(o?.percent).toBeCloseTo(55, 10);
    expect(o?.ciUnavailable).toBeNull();
    // Only the run varies: its variance × 3/2 (three repetitions), two degrees of freedom, t = 4.303.
    const half = 4.303 * Math.sqrt(variance(runReplicates) * 1.5);
    expect(o?.absoluteCi?.lo).toBeCloseTo(550 - half, 6);
    expect(o?.absoluteCi?.hi).toBeCloseTo(550 + half, 6);
    expect(o?.percentCi?.lo).toBeCloseTo((550 - half) / 10, 6);
    expect(verdictFor(o)).toBe("regressed");
    expect(noVerdictReason(o)).toBeNull();
  });

  it("pools two varying runs with Welch–Satterthwaite degrees of freedom", () => {
    const a = Array.from({ length: 400 }, (_, i) => 1000 + (i % 40));
    const b = Array.from({ length: 400 }, (_, i) => 900 + (i % 20));
    const o = overhead(side(1020, a, 4), side(910, b, 3));
    const va = (variance(a) * 4) / 3;
    const vb = (variance(b) * 3) / 2;
    const df = Math.floor((va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2));
    const t = [12.706, 4.303, 3.182, 2.776, 2.571][df - 1] ?? Number.NaN;
    expect(o?.absoluteCi?.hi).toBeCloseTo(110 + t * Math.sqrt(va + vb), 6);
  });

  it("gives a difference involving a single-repetition run no interval, a reason and no verdict", () => {
    // Replicates this far apart would read "regressed" if they were allowed to speak for the run.
    const narrow = Array.from({ length: 500 }, (_, i) => 1500 + (i % 5));
    const base = Array.from({ length: 500 }, (_, i) => 1000 + (i % 5));
    for (const [runReps, baseReps] of [
      [1, 3],
      [3, 1],
      [1, 1],
    ] as const) {
      const o = overhead(side(1502, narrow, runReps), side(1002, base, baseReps));
      expect(o).toEqual({
        absoluteUs: 500,
        percent: (500 / 1002) * 100,
        absoluteCi: null,
        percentCi: null,
        ciUnavailable: "single-repetition",
      });
      expect(verdictFor(o)).toBeNull();
      expect(noVerdictReason(o)).toBe("single-repetition");
    }
    expect(overhead(side(1502, narrow, 2), side(1002, base, 2))?.absoluteCi).not.toBeNull();
  });

  it("handles a faster run, an overlapping interval, a zero baseline and missing figures", () => {
    expect(verdictFor(overhead(side(980, [900, 950, 1000, 1050]), side(1000, [1000, 1000, 1000, 1000])))).toBe("no change");
    const faster = overhead(side(700, [690, 700, 710]), side(1000, [1000, 990, 1010]));
    expect(faster?.absoluteUs).toBe(-300);
    expect(faster?.percent).toBe(-30);
    expect(verdictFor(faster)).toBe("improved");
    const zero = overhead(side(10, [9, 10, 11]), side(0, [0, 0, 0]));
    expect(zero?.percent).toBeNull();
    expect(zero?.percentCi).toBeNull();
    expect(zero?.absoluteCi).not.toBeNull();
    expect(overhead(side(null, null), side(1000, [1000, 1000]))).toBeNull();
    expect(noVerdictReason(null)).toBe("no-latency");
    const unsampled = overhead(side(10, null), side(5, null));
    expect(unsampled?.ciUnavailable).toBe("no-samples");
    expect(verdictFor(unsampled)).toBeNull();
  });

  it("finds a real 10% p99 slowdown between two simulated runs and none between two equal ones", () => {
    const base = [1, 2, 3].map((s) => ({ histogram: lognormalHistogram(s, 10_000), actualQps: 1000 }));
    const same = [4, 5, 6].map((s) => ({ histogram: lognormalHistogram(s, 10_000), actualQps: 1000 }));
    const slower = [7, 8, 9].map((s) => {
      const rng = seededRng(s);
      const h = createLatencyHistogram();
      for (let i = 0; i < 10_000; i++) recordLatencyUs(h, 1.1 * Math.exp(MU + SIGMA * sampleNormal(rng)));
      return { histogram: h, actualQps: 1000 };
    });
    const b = runStatistics(base, { seed: 1 });
    const s = runStatistics(same, { seed: 2 });
    const w = runStatistics(slower, { seed: 3 });
    const at = (x: typeof b) => ({
      value: x.stats.latency.p99.value,
      replicates: x.replicates?.percentiles.p99 ?? null,
      repetitions: x.replicates?.repetitions ?? 0,
    });
    expect(verdictFor(overhead(at(s), at(b)))).toBe("no change");
    const slow = overhead(at(w), at(b));
    expect(verdictFor(slow)).toBe("regressed");
    expect(slow?.percent).toBeGreaterThan(5);
    expect(slow?.percent).toBeLessThan(15);
  });

  it("calls identical specs different about as rarely as 95% promises, when runs vary from run to run", () => {
    // Each repetition lands at its own level (±6%, far more than the sampling of its 2,000
    // requests), as a busy machine makes it; requests vary around that level.
    let seed = 1000;
    const simulatedRun = (repetitions: number) => {
      const reps = Array.from({ length: repetitions }, () => {
        const rng = seededRng(seed++);
        const repLevel = Math.exp(0.06 * sampleNormal(rng));
        const h = createLatencyHistogram();
        for (let i = 0; i < 2000; i++) recordLatencyUs(h, repLevel * Math.exp(MU + SIGMA * sampleNormal(rng)));
        return { histogram: h, actualQps: 1000 };
      });
      const r = runStatistics(reps, { seed: seed++, iterations: 300 });
      return { value: r.stats.latency.p50.value, replicates: r.replicates?.percentiles.p50 ?? null, repetitions };
    };
    const calledDifferent = (repetitions: number, pairs: number) => {
      let different = 0;
      for (let i = 0; i < pairs; i++) {
        const v = verdictFor(overhead(simulatedRun(repetitions), simulatedRun(repetitions)));
        if (v === "regressed" || v === "improved") different++;
      }
      return different;
    };
    expect(calledDifferent(3, 30)).toBeLessThanOrEqual(3);
    // One repetition: never a verdict, so never a false one.
    expect(calledDifferent(1, 5)).toBe(0);
  });

  it("percentile intervals ignore non-finite replicates", () => {
    expect(percentileInterval(Float64Array.from([Number.NaN, 1, 2, 3]))).toEqual({ lo: 1.05, hi: 2.95 });
    expect(percentileInterval(null)).toBeNull();
  });
});
