import { mergeHistograms } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { db, type Prisma } from "~/server/db/client";
import { histogramFromBytes, histogramToBytes } from "~/server/db/histogram-bytes";
import { computeRunStatistics, type RunStatistics } from "./statistics";

function errorTotal(errors: Record<string, number>): number {
  return Object.values(errors).reduce((a, b) => a + b, 0);
}

/** One repetition's RunResult row, written by the worker as soon as the repetition ends. */
export async function storeIterationResult(runId: string, result: IterationResult): Promise<void> {
  const l = result.latency;
  await db.runResult.create({
    data: {
      runId,
      iteration: result.iteration,
      requestedQps: result.requestedQps,
      actualQps: result.actualQps,
      count: result.count,
      errors: result.errors,
      errorCount: errorTotal(result.errors),
      minUs: l?.minUs,
      meanUs: l?.meanUs,
      maxUs: l?.maxUs,
      p50Us: l?.p50Us,
      p75Us: l?.p75Us,
      p90Us: l?.p90Us,
      p99Us: l?.p99Us,
      p999Us: l?.p999Us,
      histogram: histogramToBytes(result.histogram),
      perSecond: result.perSecond,
      measuredSeconds: result.measuredSeconds,
      components: result.components as unknown as Prisma.InputJsonValue,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
    },
  });
}

/**
 * Stores the run page's statistics with the run. Written as JSON text cast by PostgreSQL: Prisma's
 * Json write shortens some doubles (1/0.9 comes back as 1.111111111111111), and what is served
 * from the row must be exactly what computing it gives.
 */
async function storeRunStatistics(runId: string, statistics: RunStatistics): Promise<void> {
  await db.$executeRaw`UPDATE "BenchmarkRun" SET "statistics" = ${JSON.stringify(statistics)}::jsonb WHERE "id" = ${runId}`;
}

/**
 * Run-level figures for the list view, from the histogram pooled over all repetitions. The run
 * page's statistics (statistics.ts) come from the same histograms and are stored here too: the
 * worker asks for the summary when a run ends, and again whenever a repetition is stored late
 * (spool replay), so the stored statistics always describe the repetitions stored.
 */
export async function runSummary(runId: string) {
  const results = await db.runResult.findMany({
    where: { runId },
    select: { iteration: true, histogram: true, actualQps: true, count: true, errorCount: true },
  });
  // A result without a histogram is an import that kept percentiles only: it has no histogram to pool.
  const repetitions = results.flatMap((r) =>
    r.histogram ? [{ iteration: r.iteration, histogram: histogramFromBytes(r.histogram) }] : [],
  );
  const merged = repetitions.length > 0 ? mergeHistograms(repetitions.map((r) => r.histogram)) : undefined;
  const statistics = computeRunStatistics(repetitions, merged);
  await storeRunStatistics(runId, statistics);
  if (results.length === 0) return { p50Us: null, p99Us: null, actualQps: null, requestCount: null, errorCount: null };
  const { summary } = statistics;
  return {
    p50Us: summary?.p50Us ?? null,
    p99Us: summary?.p99Us ?? null,
    actualQps: results.reduce((a, r) => a + r.actualQps, 0) / results.length,
    requestCount: results.reduce((a, r) => a + r.count, 0),
    errorCount: results.reduce((a, r) => a + r.errorCount, 0),
  };
}
