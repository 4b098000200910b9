import type { IterationResult } from "../../server/domain/result";
import type { RunSpec } from "../../server/domain/spec";

export interface BackendContext {
  runId: string;
  spec: RunSpec;
  /** Aborted when the run is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** Fraction (0..1) of the current iteration done; called about once a second. */
  onIterationProgress: (fraction: number) => void;
  log: (message: string) => void;
}

/**
 * One benchmark engine, several places to run it. Everything above the worker sees only
 * IterationResult, so pages, comparisons and reports cannot tell backends apart.
 */
export interface Backend {
  /** Start the workload (upstream, proxies / pods) and wait until it is ready. */
  prepare(ctx: BackendContext): Promise<void>;
  /** Run one repetition: warm-up, then the measured window. */
  runIteration(ctx: BackendContext, iteration: number): Promise<IterationResult>;
  /** Stop everything prepare started. Must be safe to call more than once and after a failed prepare. */
  cleanup(): Promise<void>;
}
