/**
 * The runs store: the one module the web side and the worker's result writes go through for
 * BenchmarkRun rows, their results (RunResult) and the probe results of their repetitions.
 * - json-columns.ts: one zod schema per JSON column; every read parses through them, once.
 * - run-status.ts: which statuses are finished and which a comparison accepts.
 * - run-rows.ts: single runs (header, creation, cancelling, whether a local benchmark is running).
 * - run-list.ts: the runs list and the compare page's candidates.
 * - detail.ts, run-figures.ts, compare-inputs.ts, export-repetitions.ts: a run as the run page, the
 *   probe overhead, the comparison and the single-run exports read it.
 * - baselines.ts: profile baselines.
 * - environment.ts: where a run ran (target, cluster version, nodes), written once it is prepared.
 * - results.ts, probe-results.ts: the worker's result writes and the run's summary.
 * - imported-runs.ts: a run imported from another tool's result file, written in one transaction.
 */

export { COMPARABLE_STATUS, FINISHED_STATUSES, isComparableStatus, isFinished } from "~/core/run-status";
export {
  type BaselineMarking,
  findProfileBaseline,
  findRunsJudgedAgainst,
  listProfileBaselines,
  markProfileBaseline,
  type Profile,
} from "./baselines";
export { findCompareInputs } from "./compare-inputs";
export { type RunDetail, runDetail } from "./detail";
export { findRunEnvironment, storeRunEnvironment } from "./environment";
export { findRunExportRepetitions } from "./export-repetitions";
export { type ImportedRunInsert, insertImportedRun } from "./imported-runs";
export { storeRunInterference } from "./interference";
export { findProbeResultsOfRun, PROBE_RESULT_SELECT, type ProbeResultOwner, storeProbeResult } from "./probe-results";
export { runSummary, storeIterationResult } from "./results";
export { findComparableRunFiguresOfProfile, findRunFigures, type RunFigures } from "./run-figures";
export { listComparableRuns, listRunRows } from "./run-list";
export {
  cancelQueuedRun,
  countRuns,
  type DbClient,
  findRunHeader,
  findRunStamps,
  findRunsWithResultCount,
  findRunWindow,
  insertQueuedRun,
  isLocalBenchmarkRunning,
  type RunHeader,
  requestRunningRunCancel,
} from "./run-rows";
