import { decodeHistogram, summarize } from "~/core/histogram";
import type { ImportProvenance } from "~/core/imports/provenance";
import { reportedAt } from "~/core/imports/reported";
import type { ParsedImport } from "~/core/imports/types";
import type { LatencySummary } from "~/core/result";
import type { Prisma } from "~/server/db/client";
import type { Backend } from "~/server/db/generated/enums";
import { histogramFromBytes, histogramToBytes } from "~/server/db/histogram-bytes";
import type { DbClient } from "./run-rows";
import { computeRunStatistics, type RunStatistics, STATISTICS_VERSION } from "./statistics";

export interface ImportedRunInsert {
  name: string;
  mesh: string;
  backend: Backend;
  uploadedById: string;
  uploadedAt: Date;
  parsed: ParsedImport;
  provenance: ImportProvenance;
}

/** The p-columns of a result row: from the histogram, or the percentiles the file reported (others missing). */
function latencyColumns(parsed: ParsedImport): { summary: LatencySummary | null; columns: Record<string, number | null> } {
  if (parsed.latency.kind === "histogram") {
    const histogram = decodeHistogram(parsed.latency.histogram);
    try {
      const summary = summarize(histogram);
      return { summary, columns: { ...summary } };
    } finally {
      histogram.destroy();
    }
  }
  const l = parsed.latency;
  return {
    summary: null,
    columns: {
      minUs: l.minUs,
      meanUs: l.meanUs,
      maxUs: l.maxUs,
      p50Us: reportedAt(l, 50),
      p75Us: reportedAt(l, 75),
      p90Us: reportedAt(l, 90),
      p99Us: reportedAt(l, 99),
      p999Us: reportedAt(l, 99.9),
    },
  };
}

/**
 * Writes an imported run: the run (SUCCEEDED, with its provenance), its one result and its
 * statistics, in the caller's transaction so a failure leaves nothing behind.
 */
export async function insertImportedRun(tx: DbClient, run: ImportedRunInsert): Promise<{ id: string }> {
  const { parsed, provenance } = run;
  const { columns } = latencyColumns(parsed);
  const histogramBytes = parsed.latency.kind === "histogram" ? histogramToBytes(parsed.latency.histogram) : null;
  let statistics: RunStatistics;
  if (histogramBytes) {
    const histogram = histogramFromBytes(histogramBytes);
    statistics = computeRunStatistics([{ iteration: 1, histogram }]);
    histogram.destroy();
  } else {
    statistics = { version: STATISTICS_VERSION, summary: null, spectrum: [], iterations: [{ iteration: 1, summary: null }] };
  }
  const errorTotal = parsed.errors ? Object.values(parsed.errors).reduce((a, b) => a + b, 0) : null;
  const when = { startedAt: parsed.startedAt ?? run.uploadedAt, finishedAt: parsed.finishedAt ?? run.uploadedAt };
  const created = await tx.benchmarkRun.create({
    data: {
      name: run.name,
      backend: run.backend,
      mesh: run.mesh,
      // An imported run has no MeshBench spec: what its file said about the load is in its provenance.
      spec: {},
      status: "SUCCEEDED",
      progress: 100,
      createdById: run.uploadedById,
      createdAt: run.uploadedAt,
      startedAt: parsed.startedAt,
      finishedAt: parsed.finishedAt ?? run.uploadedAt,
      p50Us: columns.p50Us ?? null,
      p99Us: columns.p99Us ?? null,
      actualQps: parsed.actualQps,
      requestCount: parsed.count,
      errorCount: errorTotal,
      importProvenance: provenance as unknown as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  // As runSummary stores them: JSON text cast by PostgreSQL, so doubles come back exactly as computed.
  await tx.$executeRaw`UPDATE "BenchmarkRun" SET "statistics" = ${JSON.stringify(statistics)}::jsonb WHERE "id" = ${created.id}`;
  await tx.runResult.create({
    data: {
      runId: created.id,
      iteration: 1,
      requestedQps: parsed.requestedQps,
      actualQps: parsed.actualQps,
      // Unknown counts are stored as 0 in these required columns; provenance.countKnown / errorsKnown say they are unknown.
      count: parsed.count ?? 0,
      errors: parsed.errors ?? {},
      errorCount: errorTotal ?? 0,
      ...columns,
      histogram: histogramBytes,
      reportedLatency:
        parsed.latency.kind === "percentiles"
          ? ({
              percentiles: parsed.latency.percentiles,
              minUs: parsed.latency.minUs,
              meanUs: parsed.latency.meanUs,
              maxUs: parsed.latency.maxUs,
            } as unknown as Prisma.InputJsonValue)
          : undefined,
      perSecond: parsed.perSecond,
      measuredSeconds: parsed.durationSeconds,
      components: [],
      ...when,
    },
  });
  return created;
}
