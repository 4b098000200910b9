/**
 * The two statements server/runs/detail.ts sends for runs.get, copied verbatim with their bind
 * parameter: the bare handler must ask PostgreSQL exactly what the product asks, so the comparison
 * isolates what the app adds around the SQL. bench-bare-run-detail.test.ts fails when detail.ts's
 * statements change and these do not.
 */
export const RUN_ROW_SQL = `
      SELECT r."id", r."name", r."backend", r."mesh", r."spec", r."status", r."progress", r."phase", r."error",
             r."cancelRequestedAt", r."createdAt", r."startedAt", r."finishedAt", r."actualQps", r."requestCount",
             r."errorCount", r."statistics", r."interference", r."importProvenance", u."name" AS "createdByName", u."email" AS "createdByEmail"
      FROM "BenchmarkRun" r LEFT JOIN "User" u ON u."id" = r."createdById"
      WHERE r."id" = $1`;

export const RESULT_ROWS_SQL = `
      SELECT x."iteration", x."requestedQps", x."actualQps", x."count", x."errors", x."errorCount",
             CASE WHEN r."statistics" IS NULL THEN x."histogram" END AS "histogram", x."reportedLatency", x."perSecond",
             x."measuredSeconds", x."components"
      FROM "RunResult" x JOIN "BenchmarkRun" r ON r."id" = x."runId"
      WHERE x."runId" = $1 ORDER BY x."iteration"`;
