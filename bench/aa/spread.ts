import type { CompareRunInput } from "~/core/compare";
import { summarize } from "~/core/histogram";

/**
 * How far identical runs land apart at p50, against what the spread of their own repetitions
 * predicts. The interval of a difference learns run-to-run variation from the repetitions of each
 * run; if the runs' means differ by more than their repetitions vary, part of the variation is
 * shared by all repetitions of a run (back to back on the same processes and the same machine
 * load) and no interval built from one run can see it.
 */
export interface RepetitionSpread {
  /** Standard deviation of the runs' mean p50, as a fraction of the overall mean. */
  betweenRuns: number;
  /** What repetitions predict for it: pooled within-run SD / √(repetitions per run), same scale. */
  predicted: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Null when there are fewer than two runs or fewer than two repetitions per run. */
export function repetitionSpread(runs: readonly CompareRunInput[]): RepetitionSpread | null {
  const perRun = runs
    .map((r) =>
      r.repetitions
        .map((x) => (x.histogram ? summarize(x.histogram)?.p50Us : undefined))
        .filter((v): v is number => v !== undefined),
    )
    .filter((values) => values.length >= 2);
  if (perRun.length < 2) return null;
  const means = perRun.map(mean);
  const overall = mean(means);
  let squares = 0;
  let degrees = 0;
  perRun.forEach((values, i) => {
    for (const v of values) squares += (v - (means[i] ?? 0)) ** 2;
    degrees += values.length - 1;
  });
  const withinSd = Math.sqrt(squares / degrees);
  const betweenSd = Math.sqrt(means.reduce((a, m) => a + (m - overall) ** 2, 0) / (means.length - 1));
  const repetitions = mean(perRun.map((values) => values.length));
  return { betweenRuns: betweenSd / overall, predicted: withinSd / Math.sqrt(repetitions) / overall };
}
