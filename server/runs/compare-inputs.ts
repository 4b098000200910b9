import type { CompareRunInput } from "~/core/compare";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import {
  componentsColumn,
  errorsColumn,
  importProvenanceColumn,
  interferenceColumn,
  parseSpec,
  probeHistogramsColumn,
  probeSummaryColumn,
  reportedLatencyColumn,
} from "./json-columns";

/**
 * Runs with their results and probe results, as the comparison builder takes them (histograms
 * decoded, JSON columns parsed), by id. Ids with no run are missing from the map.
 */
export async function findCompareInputs(ids: readonly string[]): Promise<Map<string, CompareRunInput>> {
  const rows = await db.benchmarkRun.findMany({
    where: { id: { in: [...ids] } },
    select: {
      id: true,
      name: true,
      mesh: true,
      backend: true,
      status: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      spec: true,
      interference: true,
      importProvenance: true,
      createdBy: { select: { email: true, name: true } },
      results: {
        orderBy: { iteration: "asc" },
        select: {
          iteration: true,
          requestedQps: true,
          actualQps: true,
          count: true,
          errorCount: true,
          errors: true,
          histogram: true,
          reportedLatency: true,
          components: true,
          measuredSeconds: true,
        },
      },
      probeResults: {
        orderBy: [{ probe: "asc" }, { iteration: "asc" }],
        select: { probe: true, iteration: true, node: true, available: true, reason: true, summary: true, data: true },
      },
    },
  });
  return new Map(
    rows.map((run) => [
      run.id,
      {
        id: run.id,
        name: run.name,
        mesh: run.mesh,
        backend: run.backend,
        status: run.status,
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        createdBy: run.createdBy?.name ?? run.createdBy?.email ?? null,
        spec: parseSpec(run.spec),
        interference: interferenceColumn.parse(run.interference),
        imported: importProvenanceColumn.parse(run.importProvenance),
        repetitions: run.results.map((r) => ({
          iteration: r.iteration,
          requestedQps: r.requestedQps,
          actualQps: r.actualQps,
          count: r.count,
          errorCount: r.errorCount,
          errors: errorsColumn.parse(r.errors),
          histogram: r.histogram ? histogramFromBytes(r.histogram) : null,
          reported: reportedLatencyColumn.parse(r.reportedLatency),
          components: componentsColumn.parse(r.components),
          measuredSeconds: r.measuredSeconds,
        })),
        probes: run.probeResults.map((p) => ({
          probe: p.probe,
          iteration: p.iteration,
          node: p.node,
          available: p.available,
          reason: p.reason,
          summary: probeSummaryColumn.parse(p.summary),
          histograms: probeHistogramsColumn.parse(p.data),
        })),
      } satisfies CompareRunInput,
    ]),
  );
}
