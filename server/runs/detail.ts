import { mergeHistograms, percentileSpectrum, summarize } from "~/core/histogram";
import { db } from "~/server/db/client";
import type { Backend, RunStatus } from "~/server/db/generated/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import { componentsColumn, errorsColumn, parseSpec, perSecondColumn } from "./json-columns";

/** The columns of a run the run page shows, with its creator's name (what the SQL below selects). */
export interface RunDetailRow {
  id: string;
  name: string;
  backend: Backend;
  mesh: string;
  spec: unknown;
  status: RunStatus;
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
  createdBy: { name: string | null; email: string } | null;
}

export interface RunDetailResultRow {
  iteration: number;
  requestedQps: number | null;
  actualQps: number;
  count: number;
  errors: unknown;
  errorCount: number;
  histogram: Uint8Array;
  perSecond: unknown;
  measuredSeconds: number;
  components: unknown;
}

/**
 * The run and its results in two plain statements, run concurrently: the run page asks every
 * second while a run is live, and Prisma's findUnique with the same includes costs several times
 * what the two raw statements do, nearly all of it in the client rather than the SQL.
 */
async function loadRunDetailRows(id: string): Promise<{ run: RunDetailRow; results: RunDetailResultRow[] } | null> {
  const [runs, results] = await Promise.all([
    db.$queryRaw<(Omit<RunDetailRow, "createdBy"> & { createdByName: string | null; createdByEmail: string | null })[]>`
      SELECT r."id", r."name", r."backend", r."mesh", r."spec", r."status", r."progress", r."phase", r."error",
             r."cancelRequestedAt", r."createdAt", r."startedAt", r."finishedAt", r."actualQps", r."requestCount",
             r."errorCount", u."name" AS "createdByName", u."email" AS "createdByEmail"
      FROM "BenchmarkRun" r LEFT JOIN "User" u ON u."id" = r."createdById"
      WHERE r."id" = ${id}`,
    db.$queryRaw<RunDetailResultRow[]>`
      SELECT "iteration", "requestedQps", "actualQps", "count", "errors", "errorCount", "histogram", "perSecond",
             "measuredSeconds", "components"
      FROM "RunResult" WHERE "runId" = ${id} ORDER BY "iteration"`,
  ]);
  const row = runs[0];
  if (!row) return null;
  const { createdByName, createdByEmail, ...run } = row;
  return { run: { ...run, createdBy: createdByEmail === null ? null : { name: createdByName, email: createdByEmail } }, results };
}

/** Everything the run page shows, with histograms merged over repetitions on the server. */
export async function runDetail(id: string) {
  const rows = await loadRunDetailRows(id);
  return rows ? toRunDetail(rows.run, rows.results) : null;
}

/** Pure: the run page's view of a run's rows (exported so a test can feed it Prisma's own reading). */
export function toRunDetail(run: RunDetailRow, results: readonly RunDetailResultRow[]) {
  const histograms = results.map((r) => histogramFromBytes(r.histogram));
  const merged = histograms.length > 0 ? mergeHistograms(histograms) : null;
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
    spec: parseSpec(run.spec),
    summary: merged ? summarize(merged) : null,
    spectrum: merged ? percentileSpectrum(merged) : [],
    actualQps: run.actualQps,
    requestCount: run.requestCount,
    errorCount: run.errorCount,
    iterations: results.map((r, i) => ({
      iteration: r.iteration,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      count: r.count,
      errors: errorsColumn.parse(r.errors),
      errorCount: r.errorCount,
      summary: histograms[i] ? summarize(histograms[i]) : null,
      perSecond: perSecondColumn.parse(r.perSecond),
      measuredSeconds: r.measuredSeconds,
      components: componentsColumn.parse(r.components),
    })),
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof runDetail>>>;
