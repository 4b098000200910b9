import { fortioResolutionSeconds, percentileResolutionsUs } from "~/core/fortio-precision";
import { db } from "~/server/db/client";
import type { Backend, RunStatus } from "~/server/db/generated/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";
import {
  componentsColumn,
  errorsColumn,
  importProvenanceColumn,
  interferenceColumn,
  parseSpec,
  perSecondColumn,
  reportedLatencyColumn,
} from "./json-columns";
import { computeRunStatistics, type RunStatistics, statisticsColumn, statisticsCover } from "./statistics";

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
  /** BenchmarkRun.statistics, unparsed (statistics.ts). */
  statistics: unknown;
  /** BenchmarkRun.interference, unparsed (json-columns.ts). */
  interference: unknown;
  /** BenchmarkRun.importProvenance, unparsed (json-columns.ts). */
  importProvenance: unknown;
  createdBy: { name: string | null; email: string } | null;
}

export interface RunDetailResultRow {
  iteration: number;
  requestedQps: number | null;
  actualQps: number;
  count: number;
  errors: unknown;
  errorCount: number;
  /** null for an imported result that kept percentiles only (reportedLatency holds them). */
  histogram: Uint8Array | null;
  reportedLatency: unknown;
  perSecond: unknown;
  measuredSeconds: number;
  components: unknown;
}

/** A result row as read when the run's stored statistics stand in for its histogram. */
type RunDetailResultFields = Omit<RunDetailResultRow, "histogram">;

/** A result row whose histogram was left unread because the run has stored statistics. */
type RunDetailResultRead = RunDetailResultFields & { histogram: Uint8Array | null };

/** The row of a result imported with percentiles only: it never had a histogram to read. */
function isPercentilesOnlyRow(r: RunDetailResultRead): boolean {
  return r.histogram === null && r.reportedLatency !== null;
}

/**
 * The run and its results in two plain statements, run concurrently: the run page asks every
 * second while a run is live, and Prisma's findUnique with the same includes costs several times
 * what the two raw statements do, nearly all of it in the client rather than the SQL.
 */
async function loadRunDetailRows(id: string): Promise<{ run: RunDetailRow; results: RunDetailResultRead[] } | null> {
  const [runs, results] = await Promise.all([
    db.$queryRaw<(Omit<RunDetailRow, "createdBy"> & { createdByName: string | null; createdByEmail: string | null })[]>`
      SELECT r."id", r."name", r."backend", r."mesh", r."spec", r."status", r."progress", r."phase", r."error",
             r."cancelRequestedAt", r."createdAt", r."startedAt", r."finishedAt", r."actualQps", r."requestCount",
             r."errorCount", r."statistics", r."interference", r."importProvenance", u."name" AS "createdByName", u."email" AS "createdByEmail"
      FROM "BenchmarkRun" r LEFT JOIN "User" u ON u."id" = r."createdById"
      WHERE r."id" = ${id}`,
    // The histograms are the bulk of the rows: left unread when the run has statistics stored.
    db.$queryRaw<RunDetailResultRead[]>`
      SELECT x."iteration", x."requestedQps", x."actualQps", x."count", x."errors", x."errorCount",
             CASE WHEN r."statistics" IS NULL THEN x."histogram" END AS "histogram", x."reportedLatency", x."perSecond",
             x."measuredSeconds", x."components"
      FROM "RunResult" x JOIN "BenchmarkRun" r ON r."id" = x."runId"
      WHERE x."runId" = ${id} ORDER BY x."iteration"`,
  ]);
  const row = runs[0];
  if (!row) return null;
  const { createdByName, createdByEmail, ...run } = row;
  return { run: { ...run, createdBy: createdByEmail === null ? null : { name: createdByName, email: createdByEmail } }, results };
}

/** The results with their histograms, for a run whose stored statistics cannot be used. */
function loadResultRowsWithHistograms(id: string): Promise<RunDetailResultRow[]> {
  return db.$queryRaw<RunDetailResultRow[]>`
    SELECT "iteration", "requestedQps", "actualQps", "count", "errors", "errorCount", "histogram", "reportedLatency",
           "perSecond", "measuredSeconds", "components"
    FROM "RunResult" WHERE "runId" = ${id} ORDER BY "iteration"`;
}

function withHistograms(results: readonly RunDetailResultRead[]): RunDetailResultRow[] | null {
  const read: RunDetailResultRow[] = [];
  for (const r of results) {
    if (r.histogram === null && !isPercentilesOnlyRow(r)) return null;
    read.push(r);
  }
  return read;
}

/**
 * Everything the run page shows. The statistics stored with the run are served when they describe
 * exactly the repetitions stored; otherwise (a live run, an older row, a repetition stored after
 * them) they are computed from the histograms, merged over repetitions on the server.
 */
export async function runDetail(id: string) {
  const rows = await loadRunDetailRows(id);
  if (!rows) return null;
  const stored = statisticsColumn.parse(rows.run.statistics);
  if (
    stored &&
    statisticsCover(
      stored,
      rows.results.map((r) => r.iteration),
    )
  ) {
    return runDetailView(rows.run, rows.results, stored);
  }
  const results = withHistograms(rows.results) ?? (await loadResultRowsWithHistograms(id));
  return toRunDetail(rows.run, results);
}

/** Pure: the run page's view of a run's rows (exported so a test can feed it Prisma's own reading). */
export function toRunDetail(run: RunDetailRow, results: readonly RunDetailResultRow[]) {
  const repetitions = results.flatMap((r) =>
    r.histogram ? [{ iteration: r.iteration, histogram: histogramFromBytes(r.histogram) }] : [],
  );
  return runDetailView(run, results, computeRunStatistics(repetitions));
}

/** Pure: the run page's view of a run's rows and the statistics of its repetitions. */
function runDetailView(run: RunDetailRow, results: readonly RunDetailResultFields[], statistics: RunStatistics) {
  const imported = importProvenanceColumn.parse(run.importProvenance);
  const iterationSummaries = new Map(statistics.iterations.map((s) => [s.iteration, s.summary]));
  const spec = parseSpec(run.spec);
  // fortio's bucket widths bound what its percentiles can tell apart (cluster runs only).
  const resolution = run.backend === "KUBERNETES" && spec ? fortioResolutionSeconds(spec) : null;
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
    summary: statistics.summary,
    percentileResolutionUs: resolution === null ? null : percentileResolutionsUs(statistics.summary, resolution),
    spectrum: statistics.spectrum,
    actualQps: run.actualQps,
    requestCount: run.requestCount,
    errorCount: run.errorCount,
    interference: interferenceColumn.parse(run.interference),
    imported,
    /** What an import that kept percentiles only reported (its first and only repetition); null otherwise. */
    reportedLatency: results.map((r) => reportedLatencyColumn.parse(r.reportedLatency)).find((l) => l !== null) ?? null,
    iterations: results.map((r) => ({
      iteration: r.iteration,
      requestedQps: r.requestedQps,
      actualQps: r.actualQps,
      // An imported file without counts stored 0 in the required columns: they are unknown, not 0.
      count: imported?.countKnown === false ? null : r.count,
      errors: imported?.errorsKnown === false ? null : errorsColumn.parse(r.errors),
      errorCount: imported?.errorsKnown === false ? null : r.errorCount,
      summary: iterationSummaries.get(r.iteration) ?? null,
      perSecond: perSecondColumn.parse(r.perSecond),
      measuredSeconds: r.measuredSeconds,
      components: componentsColumn.parse(r.components),
    })),
  };
}

export type RunDetail = NonNullable<Awaited<ReturnType<typeof runDetail>>>;
