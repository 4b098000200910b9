import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { mergeHistograms, percentileSpectrum, summarize } from "~/server/domain/histogram";
import type { ComponentUsage } from "~/server/domain/result";
import { runSpecSchema } from "~/server/domain/spec";

/** Everything the run page shows, with histograms merged over repetitions on the server. */
export async function runDetail(id: string) {
  const run = await db.benchmarkRun.findUnique({
    where: { id },
    include: { results: { orderBy: { iteration: "asc" } }, createdBy: { select: { email: true, name: true } } },
  });
  if (!run) return null;
  const histograms = run.results.map((r) => histogramFromBytes(r.histogram));
  const merged = histograms.length > 0 ? mergeHistograms(histograms) : null;
  const spec = runSpecSchema.safeParse(run.spec);
  return {
    id: run.id,
    name: run.name,
    backend: run.backend,
    mesh: run.mesh,
    status: run.status,
    progress: run.progress,
    phase: run.phase,
    error: run.error,
    cancelRequested: run.cancelRequestedAt !== null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    createdBy: run.createdBy?.name ?? run.createdBy?.email ?? null,
    spec: spec.success ? spec.data : null,
    summary: merged ? summarize(merged) : null,
    spectrum: merged ? percentileSpectrum(merged) : [],
    actualQps: run.actualQps,
    requestCount: run.requestCount,
    errorCount: run.errorCount,
    iterations: run.results.map((r, i) => ({
      iteration: r.iteration,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      count: r.count,
      errors: r.errors as Record<string, number>,
      errorCount: r.errorCount,
      summary: histograms[i] ? summarize(histograms[i]) : null,
      perSecond: r.perSecond as number[],
      measuredSeconds: r.measuredSeconds,
      components: r.components as unknown as ComponentUsage[],
    })),
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof runDetail>>>;
