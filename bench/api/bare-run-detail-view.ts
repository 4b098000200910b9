import { parseSpec } from "~/server/runs/json-columns";

/**
 * The run page's view of a finished run built from plain pg rows, with no schema parsing: the
 * least a handler must do to answer runs.get with the stored statistics. Field order follows
 * runDetailView in server/runs/detail.ts; JSON columns pass through as PostgreSQL returns them,
 * except the spec, which the product answers with today's defaults filled in (parseSpec).
 */

export interface BareRunRow {
  id: string;
  name: string;
  backend: string;
  mesh: string;
  spec: unknown;
  status: string;
  progress: number;
  phase: string | null;
  error: string | null;
  cancelRequestedAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  actualQps: number | null;
  requestCount: number | null;
  errorCount: number | null;
  statistics: unknown;
  interference: unknown;
  createdByName: string | null;
  createdByEmail: string | null;
}

export interface BareResultRow {
  iteration: number;
  requestedQps: number | null;
  actualQps: number;
  count: number;
  errors: unknown;
  errorCount: number;
  histogram: Buffer | null;
  perSecond: unknown;
  measuredSeconds: number;
  components: unknown;
}

interface StoredStatistics {
  summary: unknown;
  spectrum: unknown;
  iterations: { iteration: number; summary: unknown }[];
}

function isStoredStatistics(x: unknown): x is StoredStatistics {
  return typeof x === "object" && x !== null && "iterations" in x && Array.isArray(x.iterations) && "spectrum" in x;
}

/** null when the run has no stored statistics: the bare handler only covers the stored path. */
export function bareRunDetailView(run: BareRunRow, results: readonly BareResultRow[]) {
  const statistics = run.statistics;
  if (!isStoredStatistics(statistics)) return null;
  const iterationSummaries = new Map(statistics.iterations.map((s) => [s.iteration, s.summary]));
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
    createdBy: run.createdByName ?? run.createdByEmail ?? null,
    spec: parseSpec(run.spec),
    summary: statistics.summary,
    // The bench's seeded runs are local (no fortio buckets) and not imported: these are null.
    percentileResolutionUs: null,
    spectrum: statistics.spectrum,
    actualQps: run.actualQps,
    requestCount: run.requestCount,
    errorCount: run.errorCount,
    interference: run.interference,
    imported: null,
    reportedLatency: null,
    iterations: results.map((r) => ({
      iteration: r.iteration,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      count: r.count,
      errors: r.errors,
      errorCount: r.errorCount,
      summary: iterationSummaries.get(r.iteration) ?? null,
      perSecond: r.perSecond,
      measuredSeconds: r.measuredSeconds,
      components: r.components,
    })),
  };
}
