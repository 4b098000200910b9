import { onCleanup } from "~/bench/lib/cleanup";
import type { CompareRunInput } from "~/core/compare";
import { decodeHistogram } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { type RunSpec, type RunSpecInput, runSpecSchema } from "~/core/spec";
import { LocalBackend } from "~/worker/backends/local/local-backend";

/**
 * One benchmark run the way the worker executes it, without the database and the queue: a fresh
 * local backend (its own upstream process, primed), `repetitions` iterations of the real load
 * generator, cleanup. The result is what the compare page would read back for the run.
 */
export interface LocalRunOptions {
  id: string;
  name: string;
  spec: RunSpecInput;
  /** Parent of the run's runtime dir: the bench's own, never var/run (a worker would reap it). */
  runRoot: string;
}

export async function executeLocalRun(options: LocalRunOptions): Promise<CompareRunInput> {
  const spec: RunSpec = runSpecSchema.parse(options.spec);
  const backend = new LocalBackend({ runRoot: options.runRoot });
  const stopOnExit = onCleanup(() => backend.cleanup());
  const ctx = {
    runId: options.id,
    spec,
    signal: new AbortController().signal,
    onIterationProgress: () => undefined,
    log: () => undefined,
  };
  const startedAt = new Date();
  const results: IterationResult[] = [];
  try {
    await backend.prepare(ctx);
    for (let iteration = 1; iteration <= spec.repetitions; iteration++) results.push(await backend.runIteration(ctx, iteration));
  } finally {
    await backend.cleanup();
    stopOnExit();
  }
  return {
    id: options.id,
    name: options.name,
    mesh: spec.mesh,
    backend: spec.backend,
    status: "SUCCEEDED",
    createdAt: startedAt,
    startedAt,
    finishedAt: new Date(),
    createdBy: null,
    spec,
    repetitions: results.map((r) => ({
      iteration: r.iteration,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      count: r.count,
      errorCount: Object.values(r.errors).reduce((a, b) => a + b, 0),
      errors: r.errors,
      histogram: decodeHistogram(r.histogram),
      components: r.components,
      measuredSeconds: r.measuredSeconds,
    })),
    probes: [],
  };
}
