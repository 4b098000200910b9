import { LRUCache } from "lru-cache";
import {
  buildComparison,
  type CompareRunInput,
  type Comparison,
  type GatesJudgement,
  judgeGates,
  type RegressionResult,
  type RunStatisticsOf,
  regression,
  statisticsOfRun,
} from "~/core/compare";
import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import type { Gate } from "~/core/gates";
import { findCompareInputs, findRunStamps, isComparableStatus } from "~/server/runs/store";

/**
 * Loads runs through the runs store into the pure comparison builder. Shared by the compare page's
 * procedures, the exports and the report worker, so all of them show the same figures.
 */

export class ComparisonError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "NOT_FINISHED" | "NO_DATA",
    message: string,
  ) {
    super(message);
  }
}

/** The runs with these ids, in this order; a missing one is an error. */
export async function loadCompareInputs(runIds: readonly string[]): Promise<CompareRunInput[]> {
  const byId = await findCompareInputs(runIds);
  return runIds.map((id) => {
    const input = byId.get(id);
    if (!input) throw new ComparisonError("NOT_FOUND", `No run with id ${id}.`);
    return input;
  });
}

function assertComparable(inputs: CompareRunInput[]): void {
  for (const run of inputs) {
    if (!isComparableStatus(run.status)) {
      throw new ComparisonError(
        "NOT_FINISHED",
        `“${run.name}” is ${run.status.toLowerCase()}: only succeeded runs can be compared.`,
      );
    }
    if (run.repetitions.length === 0) throw new ComparisonError("NO_DATA", `“${run.name}” has no stored results.`);
  }
}

/**
 * A comparison is a deterministic function (the bootstrap is seeded) of succeeded runs, which do
 * not change, and building one is CPU-heavy (nearly all of it the bootstrap). So a repeated view
 * (a shared link, a reload, a report) reuses it. The key holds everything of a run that the answer
 * depends on and could still change. Callers treat the result as read-only.
 */
const comparisons = new LRUCache<string, Comparison>({ max: 64 });

/**
 * Each run's bootstrap depends on that run alone, so a new comparison reuses the runs it shares
 * with earlier ones (a baseline compared against one mesh after another). About 64 KB per run.
 */
const runStatisticsCache = new LRUCache<string, ReturnType<RunStatisticsOf>>({ max: 256 });
const cachedStatisticsOf: RunStatisticsOf = (input, iterations) => {
  const key = `${input.id}|${input.finishedAt?.toISOString()}|${input.repetitions.length}|${iterations}`;
  let statistics = runStatisticsCache.get(key);
  if (!statistics) {
    statistics = statisticsOfRun(input, iterations);
    runStatisticsCache.set(key, statistics);
  }
  return statistics;
};

/** A cached comparison costs one light query: the runs' stamps, without their results. */
async function comparisonKey(ids: readonly string[], baselineId: string | null | undefined): Promise<string> {
  const byId = new Map((await findRunStamps(ids)).map((r) => [r.id, r]));
  const runs = ids.map((id) => {
    const r = byId.get(id);
    return r ? [r.id, r.name, r.status, r.finishedAt?.toISOString()] : [id];
  });
  return JSON.stringify([baselineId ?? null, runs]);
}

/** 1-8 distinct succeeded runs, in the given order. */
export async function loadComparison(runIds: readonly string[], baselineId?: string | null): Promise<Comparison> {
  const ids = [...new Set(runIds)];
  if (ids.length === 0 || ids.length > MAX_COMPARE_RUNS) {
    throw new ComparisonError("NOT_FOUND", `Pick between 1 and ${MAX_COMPARE_RUNS} runs.`);
  }
  // Only a comparison that was built (its runs passed assertComparable) is ever cached.
  const key = await comparisonKey(ids, baselineId);
  const cached = comparisons.get(key);
  if (cached) return cached;
  const inputs = await loadCompareInputs(ids);
  assertComparable(inputs);
  const comparison = buildComparison(inputs, { baselineId, statisticsOf: cachedStatisticsOf });
  comparisons.set(key, comparison);
  return comparison;
}

/** A run judged against its profile's baseline, reusing the runs' cached bootstraps. */
export function judgeAgainstBaseline(run: CompareRunInput, baseline: CompareRunInput): RegressionResult {
  return regression(run, baseline, { statisticsOf: cachedStatisticsOf });
}

/** A run's gates against a baseline run (the CLI's CI gates), reusing the runs' cached bootstraps. */
export function judgeGatesAgainst(run: CompareRunInput, baseline: CompareRunInput, gates: readonly Gate[]): GatesJudgement {
  return judgeGates(run, baseline, gates, { statisticsOf: cachedStatisticsOf });
}
