import type { ComparedRun, CompareRepetitionInput } from "../compare";
import type { RunEnvironment } from "../run-environment";

/**
 * What every single-run export reads: the run as a comparison of one shows it (statistics with
 * their intervals, resources, who/what/when) and each repetition's full histogram with its window.
 */
export interface RunExportRepetition extends CompareRepetitionInput {
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
