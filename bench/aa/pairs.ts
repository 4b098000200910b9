import { buildComparison, type CompareRunInput, type RunStatisticsOf, statisticsOfRun } from "~/core/compare";
import { percentileInterval } from "~/core/stats";
import { verdictFor } from "~/core/verdict";

/** The percentiles the A/A section judges. */
export const AA_PERCENTILES = ["p50", "p99"] as const;
export type AaPercentile = (typeof AA_PERCENTILES)[number];

export interface PairCounts {
  pairs: number;
  /** Pairs the product calls different ("regressed" or "improved"), per percentile. */
  calledDifferent: Record<AaPercentile, number>;
  /** Pairs whose difference got an interval at all (none when a run has one repetition). */
  withInterval: number;
  /**
   * Pairs a sampling-only interval calls different: the percentile interval of the paired bootstrap
   * replicates, which knows the requests (and repetitions) of each run but allows nothing for how
   * far the next run of the same spec lands. The reference the product's interval is measured against.
   */
  samplingOnlyDifferent: Record<AaPercentile, number>;
}

/** A statistics function that computes each run once, however many pairs it is in. */
function memoized(): RunStatisticsOf {
  const cache = new Map<string, ReturnType<RunStatisticsOf>>();
  return (input, iterations) => {
    const key = `${input.id}:${iterations}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const computed = statisticsOfRun(input, iterations);
    cache.set(key, computed);
    return computed;
  };
}

const excludesZero = (ci: { lo: number; hi: number } | null) => ci !== null && (ci.lo > 0 || ci.hi < 0);

/**
 * Every pair of runs compared through the product's comparison (the first of the pair as the
 * baseline). The runs are identical in spec, so every pair called different is a false alarm.
 */
export function countCalledDifferent(runs: readonly CompareRunInput[], iterations?: number): PairCounts {
  const statisticsOf = memoized();
  const counts: PairCounts = {
    pairs: 0,
    calledDifferent: { p50: 0, p99: 0 },
    withInterval: 0,
    samplingOnlyDifferent: { p50: 0, p99: 0 },
  };
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const base = runs[i];
      const other = runs[j];
      if (!base || !other) continue;
      const comparison = buildComparison([base, other], { baselineId: base.id, iterations, statisticsOf });
      const overhead = comparison.runs[1]?.overhead ?? null;
      counts.pairs++;
      if (overhead?.p50?.absoluteCi) counts.withInterval++;
      const otherReplicates = statisticsOf(other, comparison.bootstrapIterations).replicates;
      const baseReplicates = statisticsOf(base, comparison.bootstrapIterations).replicates;
      for (const k of AA_PERCENTILES) {
        const verdict = verdictFor(overhead?.[k] ?? null);
        if (verdict === "regressed" || verdict === "improved") counts.calledDifferent[k]++;
        const a = otherReplicates?.percentiles[k];
        const b = baseReplicates?.percentiles[k];
        if (a && b) {
          const paired = Float64Array.from(a, (value, n) => value - (b[n] ?? Number.NaN));
          if (excludesZero(percentileInterval(paired))) counts.samplingOnlyDifferent[k]++;
        }
      }
    }
  }
  return counts;
}
