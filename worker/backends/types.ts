import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import type { RunEnvironment } from "~/core/run-environment";
import type { RunSpec } from "~/core/spec";
import type { LoadIntervalSample } from "~/worker/loadgen";
import type { ProbeSample } from "~/worker/probes";

export type { LoadIntervalSample };

export interface ProcessSample {
  component: string;
  role: string;
  /** Cumulative user + system CPU seconds of the component's processes. */
  cpuSecondsTotal: number;
  rssBytes: number | null;
}

/** Live values a backend reports while a run executes, exported to Prometheus by the worker. */
export interface LiveMetricsSink {
  loadInterval(sample: LoadIntervalSample): void;
  process(sample: ProcessSample): void;
  /** One interval of an eBPF probe attached to the run. */
  probe?(sample: ProbeSample): void;
}

export interface BackendContext {
  runId: string;
  spec: RunSpec;
  /** Aborted when the run is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** Fraction (0..1) of the current iteration done; called about once a second. */
  onIterationProgress: (fraction: number) => void;
  log: (message: string) => void;
  /**
   * What the run is doing now, in a few words ("waiting for fortio-server: 1/2 containers ready"):
   * shown on the run page, so a long prepare or an image pull is not a silent 0%.
   */
  setPhase?: (phase: string) => void;
  /** Where live samples go; absent when nobody listens (tests, the bench). */
  live?: LiveMetricsSink;
}

/** One repetition's result, plus the probe results of a backend that runs the probes itself. */
export type IterationOutcome = IterationResult & { probeResults?: ProbeRunResult[] };

/**
 * One benchmark engine, several places to run it. Everything above the worker sees only
 * IterationResult, so pages, comparisons and reports cannot tell backends apart.
 */
export interface Backend {
  /**
   * True when the backend runs the spec's probes itself (on cluster nodes) and returns their
   * results with each iteration; the worker then attaches none on its own machine.
   */
  readonly runsProbes?: boolean;
  /** Start the workload (upstream, proxies / pods) and wait until it is ready. */
  prepare(ctx: BackendContext): Promise<void>;
  /** Run one repetition: warm-up, then the measured window. */
  runIteration(ctx: BackendContext, iteration: number): Promise<IterationOutcome>;
  /** Processes of the workload on this machine, so probes can be scoped to them (local backend only). */
  processIds?(): Promise<{ component: string; pid: number }[]>;
  /** Where the prepared run runs (target, cluster version, nodes), for the exports; read once after prepare. */
  environment?(): Promise<RunEnvironment>;
  /** Stop everything prepare started. Must be safe to call more than once and after a failed prepare. */
  cleanup(): Promise<void>;
}
