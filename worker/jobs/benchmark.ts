import type { ProbeRunResult } from "~/core/probes";
import type { IterationResult } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import type { Capability } from "~/worker/probes";
import type { Backend, BackendContext, LiveMetricsSink } from "../backends/types";
import { probeCapability, startProbeSession } from "./probe-session";
import { storeProbeResult } from "./store-probe-result";
import { runSummary, storeIterationResult } from "./store-result";

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

export type BenchmarkOutcome = "SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED";

class CancelledError extends Error {}

/**
 * Runs one benchmark from QUEUED to a final state. The claim (QUEUED → RUNNING) is a
 * conditional update, so a run cancelled while queued, or already taken, is never run twice.
 */
export async function processBenchmark(runId: string, deps: BenchmarkJobDeps): Promise<BenchmarkOutcome> {
  const log = deps.log ?? ((m: string) => console.log(`[run ${runId}] ${m}`));
  const now = new Date();
  const claimed = await db.benchmarkRun.updateMany({
    where: { id: runId, status: "QUEUED" },
    data: { status: "RUNNING", startedAt: now, heartbeatAt: now, progress: 0 },
  });
  if (claimed.count === 0) {
    log("not queued any more (cancelled or already handled): skipped");
    return "SKIPPED";
  }
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: runId } });
  const parsed = runSpecSchema.safeParse(run.spec);
  if (!parsed.success) return finish(runId, "FAILED", `Invalid spec: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  const spec = parsed.data;

  const abort = new AbortController();
  const onShutdown = () => abort.abort(new Error("Interrupted: the worker shut down during the run"));
  deps.shutdownSignal.addEventListener("abort", onShutdown, { once: true });
  if (deps.shutdownSignal.aborted) onShutdown();

  let percent = 0;
  let phase: string | null = "starting";
  const setPercent = (p: number) => {
    percent = Math.min(100, Math.max(percent, p));
    // Progress to the queue is best effort (the job may be gone if Redis was flushed); the
    // database copy written by the heartbeat is the one the dashboard reads.
    Promise.resolve(deps.onProgress?.(percent)).catch((error: unknown) =>
      log(`progress update failed: ${(error as Error).message}`),
    );
  };
  // One round trip a second both proves we are alive and picks up a cancel request. The last one
  // may still be in flight when the run ends: it is awaited before finish(), or it could land
  // after it and bring back a phase on a finished run (kubernetes-run.test.ts caught that).
  let lastBeat: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    lastBeat = db.benchmarkRun
      .update({
        where: { id: runId },
        data: { heartbeatAt: new Date(), progress: percent, phase },
        select: { cancelRequestedAt: true },
      })
      .then((r) => {
        if (r.cancelRequestedAt && !abort.signal.aborted) abort.abort(new CancelledError("Cancelled by an admin"));
      })
      .catch((error: unknown) => log(`heartbeat failed: ${(error as Error).message}`));
  }, deps.heartbeatMs ?? 1000);

  let backend: Backend | undefined;
  let outcome: [Exclude<BenchmarkOutcome, "SKIPPED">, string | null];
  try {
    backend = deps.createBackend(spec);
    const ctx: BackendContext = {
      runId,
      spec,
      signal: abort.signal,
      log,
      onIterationProgress: () => undefined,
      setPhase: (next) => {
        phase = next.slice(0, 200);
      },
      live: deps.liveMetrics?.(runId, spec.mesh),
    };
    log(`preparing ${spec.backend.toLowerCase()} backend, profile ${spec.mesh}`);
    await backend.prepare(ctx);
    const localProbes = spec.probes.length > 0 && !backend.runsProbes;
    const capability = localProbes ? await (deps.probeCapability ?? probeCapability)() : null;
    setPercent(2);
    for (let iteration = 1; iteration <= spec.repetitions; iteration++) {
      abort.signal.throwIfAborted();
      ctx.onIterationProgress = (fraction: number) => setPercent(2 + (97 * (iteration - 1 + fraction)) / spec.repetitions);
      ctx.setPhase?.(`repetition ${iteration} of ${spec.repetitions}`);
      const probes = capability
        ? await startProbeSession({
            probes: spec.probes,
            // The load generator runs in this process: its syscalls and switches belong to the run.
            pids: [process.pid, ...((await backend.processIds?.()) ?? []).map((p) => p.pid)],
            capability,
            onSample: (sample) => ctx.live?.probe?.(sample),
            log,
          })
        : null;
      let result: IterationResult;
      let probeResults: ProbeRunResult[] = [];
      try {
        const { probeResults: backendProbes, ...measured } = await backend.runIteration(ctx, iteration);
        result = measured;
        probeResults = backendProbes ?? [];
      } finally {
        probeResults = [...probeResults, ...((await probes?.stop()) ?? [])];
      }
      abort.signal.throwIfAborted();
      await storeIterationResult(runId, result);
      for (const probeResult of probeResults) await storeProbeResult({ runId, iteration }, probeResult);
      setPercent(2 + (97 * iteration) / spec.repetitions);
      log(
        `iteration ${iteration}/${spec.repetitions}: ${result.actualQps.toFixed(0)} rps, p50 ${result.latency?.p50Us ?? "-"} µs`,
      );
    }
    outcome = ["SUCCEEDED", null];
  } catch (error) {
    const reason = abort.signal.aborted ? abort.signal.reason : error;
    const message = reason instanceof Error ? reason.message : String(reason);
    outcome = reason instanceof CancelledError ? ["CANCELLED", message] : ["FAILED", message];
    log(`${outcome[0].toLowerCase()}: ${message}`);
  } finally {
    clearInterval(heartbeat);
    await lastBeat;
    deps.shutdownSignal.removeEventListener("abort", onShutdown);
    // Stop every process before the run reads as finished, so "ended" means "nothing left running".
    await backend?.cleanup().catch((error: unknown) => log(`cleanup failed: ${(error as Error).message}`));
  }
  return finish(runId, ...outcome);
}

async function finish(
  runId: string,
  status: Exclude<BenchmarkOutcome, "SKIPPED">,
  error: string | null,
): Promise<BenchmarkOutcome> {
  const summary = await runSummary(runId);
  await db.benchmarkRun.update({
    where: { id: runId },
    data: {
      status,
      error,
      phase: null,
      finishedAt: new Date(),
      ...(status === "SUCCEEDED" ? { progress: 100 } : {}),
      ...summary,
    },
  });
  return status;
}
