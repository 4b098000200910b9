import { z } from "zod";
import { type Histogram, mergeHistograms, percentileSpectrum, type SpectrumPoint, summarize } from "~/core/histogram";
import { type LatencySummary, latencySummarySchema } from "~/core/result";

/**
 * The run page's statistics: what it derives from the repetitions' histograms (the merged
 * percentiles, the spectrum, each repetition's percentiles). Decoding and merging histograms is
 * most of what serving a run costs, and a finished run's repetitions no longer change, so these
 * are computed once, when the run's summary is written, and stored with the run (BenchmarkRun.statistics).
 */
export interface RunStatistics {
  /** Bumped when what is stored changes meaning: a row with another version is recomputed. */
  version: typeof STATISTICS_VERSION;
  summary: LatencySummary | null;
  spectrum: SpectrumPoint[];
  /** One per repetition, in iteration order. */
  iterations: IterationStatistics[];
}

export interface IterationStatistics {
  iteration: number;
  summary: LatencySummary | null;
}

export const STATISTICS_VERSION = 1;

export interface DecodedRepetition {
  iteration: number;
  histogram: Histogram;
}

/** Pure: the statistics of a run's repetitions (any order), merged histogram given if already made. */
export function computeRunStatistics(repetitions: readonly DecodedRepetition[], merged?: Histogram): RunStatistics {
  const ordered = [...repetitions].sort((a, b) => a.iteration - b.iteration);
  const pooled = merged ?? (ordered.length > 0 ? mergeHistograms(ordered.map((r) => r.histogram)) : null);
  return {
    version: STATISTICS_VERSION,
    summary: pooled ? summarize(pooled) : null,
    spectrum: pooled ? percentileSpectrum(pooled) : [],
    iterations: ordered.map((r) => ({ iteration: r.iteration, summary: summarize(r.histogram) })),
  };
}

/**
 * BenchmarkRun.statistics as read back: anything that does not fit (another version, a hand-edited
 * row) reads as null, and the statistics are then computed from the repetitions as before.
 */
export const statisticsColumn = z
  .object({
    version: z.literal(STATISTICS_VERSION),
    summary: latencySummarySchema.nullable(),
    spectrum: z.array(z.object({ percentile: z.number(), valueUs: z.number(), inverseTail: z.number() })),
    iterations: z.array(z.object({ iteration: z.number(), summary: latencySummarySchema.nullable() })),
  })
  .nullable()
  .catch(null) satisfies z.ZodType<RunStatistics | null>;

/** True when stored statistics describe exactly these repetitions (none added or removed since). */
export function statisticsCover(statistics: RunStatistics, iterations: readonly number[]): boolean {
  return (
    statistics.iterations.length === iterations.length && statistics.iterations.every((s, i) => s.iteration === iterations[i])
  );
}
