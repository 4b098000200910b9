import type { RunInterference } from "~/core/interference";
import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import type { RunEnvironment } from "~/core/run-environment";
import { type RunSpec, runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { errorMessage, shortDatabaseError } from "~/server/db/errors";
import { storeRunEnvironment, storeRunInterference } from "~/server/runs/store";
import type { Capability } from "~/worker/probes";
import type { HostLock } from "../backends/local/host-lock";
import { LocalBackend } from "../backends/local/local-backend";
import type { Backend, BackendContext, LiveMetricsSink } from "../backends/types";
import { runLog } from "../log";
import { retryWhileDatabaseUnreachable } from "./database-retry";
import { DurableRunResults, type StoreFailure, writeRunSummary } from "./durable-store";
import { probeCapability, startProbeSession } from "./probe-session";
import { type RowJobContext, type RowJobOutcome, runRowJob } from "./row-job";

export interface BenchmarkJobDeps {
  createBackend: (spec: ReturnType<typeof runSpecSchema.parse>) => Backend;
  /** Aborted when the worker shuts down. */
  shutdownSignal: AbortSignal;
  onProgress?: (percent: number) => void | Promise<void>;
  /** eBPF capability check; tests replace it to simulate a machine without bpftrace. */
  probeCapability?: () => Promise<Capability>;
  /** Where live samples go (the worker's Prometheus metrics); optional for tests. */
  liveMetrics?: (runId: string, profile: string) => LiveMetricsSink;
  heartbeatMs?: number;
  log?: (message: string) => void;
  /**
   * The machine's local-benchmark lock (host-lock.ts), taken before a local run is claimed and
   * held until it ends, cleanup included. Absent (tests calling this directly): no lock.
   */
  lockHost?: () => Promise<HostLock | null>;
}

/** HOST_BUSY: another local benchmark holds this machine; the run was left QUEUED, untouched. */
export type BenchmarkOutcome = RowJobOutcome | "HOST_BUSY";

/** What the run page shows while repetitions wait in the spool for the database. */
export const STORING_PHASE = "storing results: database unavailable, retrying";

/**
 * Runs one benchmark from QUEUED to a final state (claim, heartbeat, cancel and finish are
 * runRowJob's). Repetitions are stored through DurableRunResults: a database outage delays their
 * writes (spooled on disk meanwhile) but loses none. The run-level summary is written from
 * whatever repetitions were stored, whatever the outcome.
 */
export async function processBenchmark(runId: string, deps: BenchmarkJobDeps): Promise<BenchmarkOutcome> {
  const logger = runLog(runId);
  const log = deps.log ?? ((m: string) => logger.info(m));
  let lock: HostLock | null = null;
  if (deps.lockHost && (await needsHostLock(runId))) {
    lock = await deps.lockHost();
    if (!lock) return "HOST_BUSY";
  }
  try {
    return await claimAndRun(runId, deps, log);
  } finally {
    await lock?.release();
  }
}

/** A local run still waiting to be claimed; a cluster run, or one already handled, takes no lock. */
async function needsHostLock(runId: string): Promise<boolean> {
  const run = await db.benchmarkRun.findUnique({ where: { id: runId }, select: { backend: true, status: true } });
  return run?.backend === "LOCAL" && run.status === "QUEUED";
}

function claimAndRun(runId: string, deps: BenchmarkJobDeps, log: (message: string) => void): Promise<RowJobOutcome> {
  return runRowJob(
    "BenchmarkRun",
    runId,
    {
      log,
      shutdownSignal: deps.shutdownSignal,
      heartbeatMs: deps.heartbeatMs,
      initialPhase: "starting",
      onProgress: deps.onProgress,
      interruptedError: "Interrupted: the worker shut down during the run",
    },
    async (ctx) => {
      const results = new DurableRunResults(runId, {
        log,
        shutdownSignal: deps.shutdownSignal,
        onDatabaseUnavailable: () => ctx.setPhase(STORING_PHASE),
      });
      let failures: StoreFailure[];
      let interference: RunInterference | null = null;
      let environment: RunEnvironment | null = null;
      try {
        await runBenchmark(
          runId,
          ctx,
          deps,
          results,
          (measured) => {
            interference = measured;
          },
          (found) => {
            environment = found;
          },
        );
      } finally {
        // The processes are stopped by now; only the writes the database could not take wait.
        if (results.waiting) ctx.setPhase(STORING_PHASE);
        failures = await results.drain();
        await retryWhileDatabaseUnreachable(() => writeRunSummary(runId), { stop: deps.shutdownSignal });
        if (interference) await storeInterference(runId, interference, deps.shutdownSignal, log);
        if (environment) await storeEnvironment(runId, environment, deps.shutdownSignal, log);
      }
      const [first] = failures;
      if (first) throw new Error(`Repetition ${first.iteration} could not be stored: ${shortDatabaseError(first.error)}`);
      // Every repetition is stored: a cancel or shutdown arriving after the last one changes nothing.
      return { status: "SUCCEEDED", error: null };
    },
  );
}

async function runBenchmark(
  runId: string,
  job: RowJobContext,
  deps: BenchmarkJobDeps,
  results: DurableRunResults,
  onInterference: (interference: RunInterference) => void,
  onEnvironment: (environment: RunEnvironment) => void,
): Promise<void> {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: runId }, select: { spec: true } });
  const parsed = runSpecSchema.safeParse(run.spec);
  if (!parsed.success) throw new Error(`Invalid spec: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  const spec = parsed.data;
  const { signal, log } = job;

  let backend: Backend | undefined;
  try {
    backend = deps.createBackend(spec);
    const ctx: BackendContext = {
      runId,
      spec,
      signal,
      log,
      onIterationProgress: () => undefined,
      setPhase: job.setPhase,
      live: deps.liveMetrics?.(runId, spec.mesh),
    };
    log(`preparing ${spec.backend.toLowerCase()} backend, profile ${spec.mesh}`);
    await backend.prepare(ctx);
    if (backend.environment) {
      await backend
        .environment()
        .then(onEnvironment)
        .catch((error: unknown) => log(`could not read where the run runs: ${errorMessage(error)}`));
    }
    const localProbes = spec.probes.length > 0 && !backend.runsProbes;
    const capability = localProbes ? await (deps.probeCapability ?? probeCapability)() : null;
    job.setProgress(2);
    for (let iteration = 1; iteration <= spec.repetitions; iteration++) {
      signal.throwIfAborted();
      ctx.onIterationProgress = (fraction: number) => job.setProgress(2 + (97 * (iteration - 1 + fraction)) / spec.repetitions);
      job.setPhase(`repetition ${iteration} of ${spec.repetitions}`);
      const result = await runIteration(backend, ctx, spec, iteration, capability);
      signal.throwIfAborted();
      await results.add(result.measured, result.probes);
      job.setProgress(2 + (97 * iteration) / spec.repetitions);
      log(
        `iteration ${iteration}/${spec.repetitions}: ${result.measured.actualQps.toFixed(0)} rps, p50 ${result.measured.latency?.p50Us ?? "-"} µs`,
      );
    }
  } finally {
    // Stop every process before the run reads as finished, so "ended" means "nothing left running".
    await backend?.cleanup().catch((error: unknown) => log(`cleanup failed: ${errorMessage(error)}`));
    if (backend instanceof LocalBackend) onInterference(backend.interference());
  }
}

/** Best effort: a run whose neighbours could not be stored keeps its results and its outcome. */
async function storeInterference(
  runId: string,
  interference: RunInterference,
  stop: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  await retryWhileDatabaseUnreachable(() => storeRunInterference(runId, interference), { stop }).catch((error: unknown) =>
    log(`could not store what else ran on the machine: ${shortDatabaseError(error)}`),
  );
}

/** Best effort, like the interference: the run's results and outcome do not depend on it. */
async function storeEnvironment(
  runId: string,
  environment: RunEnvironment,
  stop: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  await retryWhileDatabaseUnreachable(() => storeRunEnvironment(runId, environment), { stop }).catch((error: unknown) =>
    log(`could not store where the run ran: ${shortDatabaseError(error)}`),
  );
}

/** One repetition, with this machine's probes around it when the backend does not run its own. */
async function runIteration(
  backend: Backend,
  ctx: BackendContext,
  spec: RunSpec,
  iteration: number,
  capability: Capability | null,
): Promise<{ measured: IterationResult; probes: ProbeRunResult[] }> {
  const probes = capability
    ? await startProbeSession({
        probes: spec.probes,
        // The load generator runs in this process: its syscalls and switches belong to the run.
        pids: [process.pid, ...((await backend.processIds?.()) ?? []).map((p) => p.pid)],
        capability,
        onSample: (sample) => ctx.live?.probe?.(sample),
        log: ctx.log,
      })
    : null;
  let measured: IterationResult;
  let backendProbes: ProbeRunResult[];
  let localProbes: ProbeRunResult[];
  try {
    const { probeResults, ...rest } = await backend.runIteration(ctx, iteration);
    measured = rest;
    backendProbes = probeResults ?? [];
  } finally {
    // Stopped whether the repetition succeeded or not, so no bpftrace outlives it.
    localProbes = (await probes?.stop()) ?? [];
  }
  return { measured, probes: [...backendProbes, ...localProbes] };
}
