import type { ComparedRun, CompareRepetitionInput } from "../compare";
import type { Histogram } from "../histogram";
import type { RunEnvironment } from "../run-environment";

/**
 * What every single-run export reads: the run as a comparison of one shows it (statistics with
 * their intervals, resources, who/what/when) and each repetition's full histogram with its window.
 */
export interface RunExportRepetition extends Omit<CompareRepetitionInput, "histogram" | "reported"> {
  /** Single-run exports need the histogram: a run imported with percentiles only has none and is refused. */
  histogram: Histogram;
  /** The measured window (warm-up excluded) of this repetition. */
  startedAt: Date;
  finishedAt: Date;
  /** Completions in each second of the window. */
  perSecond: number[];
}

export interface RunExportInput {
  run: ComparedRun;
  repetitions: RunExportRepetition[];
  /** Where it ran; null for runs stored before MeshBench recorded it. */
  environment: RunEnvironment | null;
}
