import type { RunExportRepetition } from "~/core/exports/run-input";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { componentsColumn, errorsColumn, perSecondColumn } from "./json-columns";

/**
 * A run's repetitions as the single-run exports read them: histogram, window and per-second counts.
 * Null when a repetition has no histogram (a run imported with percentiles only).
 */
export async function findRunExportRepetitions(runId: string): Promise<RunExportRepetition[] | null> {
  const rows = await db.runResult.findMany({
    where: { runId },
    orderBy: { iteration: "asc" },
    select: {
      iteration: true,
      requestedQps: true,
      actualQps: true,
      count: true,
      errorCount: true,
      errors: true,
      histogram: true,
      components: true,
      measuredSeconds: true,
      perSecond: true,
      startedAt: true,
      finishedAt: true,
    },
  });
  if (rows.some((r) => r.histogram === null)) return null;
  return rows.flatMap((r) =>
    r.histogram === null
      ? []
      : [
          {
            iteration: r.iteration,
            requestedQps: r.requestedQps,
            actualQps: r.actualQps,
            count: r.count,
            errorCount: r.errorCount,
            errors: errorsColumn.parse(r.errors),
            histogram: histogramFromBytes(r.histogram),
            components: componentsColumn.parse(r.components),
            measuredSeconds: r.measuredSeconds,
            perSecond: perSecondColumn.parse(r.perSecond),
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
          },
        ],
  );
}
