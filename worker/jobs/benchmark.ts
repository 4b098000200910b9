import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import { type RunSpec, runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { errorMessage, shortDatabaseError } from "~/server/db/errors";
import type { Capability } from "~/worker/probes";
import type { Backend, BackendContext, LiveMetricsSink } from "../backends/types";
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
}

export type BenchmarkOutcome = RowJobOutcome;

/** What the run page shows while repetitions wait in the spool for the database. */
export const STORING_PHASE = "storing results: database unavailable, retrying";

/**
 * Runs one benchmark from QUEUED to a final state (claim, heartbeat, cancel and finish are
 * runRowJob's). Repetitions are stored through DurableRunResults: a database outage delays their
 * writes (spooled on disk meanwhile) but loses none. The run-level summary is written from
 * whatever repetitions were stored, whatever the outcome.
 */
export function processBenchmark(runId: string, deps: BenchmarkJobDeps): Promise<BenchmarkOutcome> {
  const log = deps.log ?? ((m: string) => console.log(`[run ${runId}] ${m}`));
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
      try {
        await runBenchmark(runId, ctx, deps, results);
      } finally {
        // The processes are stopped by now; only the writes the database could not take wait.
        if (results.waiting) ctx.setPhase(STORING_PHASE);
        failures = await results.drain();
        await retryWhileDatabaseUnreachable(() => writeRunSummary(runId), { stop: deps.shutdownSignal });
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
): Promise<void> {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: runId } });
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
  }
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
