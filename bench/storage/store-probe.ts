import pg from "pg";
import type { IterationResult } from "~/core/result";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";
import { runSummary, storeIterationResult } from "~/server/runs/store";

export interface StoredSize {
  /** pg_column_size of the BenchmarkRun row, as stored (compression included), bytes. */
  runRowBytes: number;
  /** The same for its RunResult rows. */
  resultRowBytes: number;
  /** octet_length of the stored histogram(s). */
  histogramBytes: number;
  /** The summary recomputed from the stored bytes equals the one computed before storing. */
  roundTripExact: boolean;
}

/**
 * Store one run the way the worker does (run row, storeIterationResult, runSummary on finish),
 * measure the bytes PostgreSQL keeps for it, then delete it again so the bench data set stays as seeded.
 */
export async function storeAndMeasure(
  databaseUrl: string,
  spec: Record<string, unknown>,
  result: IterationResult,
): Promise<StoredSize> {
  const run = await db.benchmarkRun.create({
    data: {
      name: "bench storage probe",
      mesh: String(spec.mesh ?? "baseline"),
      spec: spec as Prisma.InputJsonValue,
      status: "RUNNING",
      startedAt: result.startedAt,
    },
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await storeIterationResult(run.id, result);
    const summary = await runSummary(run.id);
    await db.benchmarkRun.update({
      where: { id: run.id },
      data: { status: "SUCCEEDED", finishedAt: result.finishedAt, progress: 100, ...summary },
    });
    const r = await client.query<{ b: number }>(`SELECT pg_column_size(r.*) AS b FROM "BenchmarkRun" r WHERE r."id" = $1`, [
      run.id,
    ]);
    const x = await client.query<{ b: string; h: string }>(
      `SELECT sum(pg_column_size(x.*)) AS b, sum(octet_length(x."histogram")) AS h FROM "RunResult" x WHERE x."runId" = $1`,
      [run.id],
    );
    const stored = await db.benchmarkRun.findUnique({ where: { id: run.id }, select: { p50Us: true, p99Us: true } });
    return {
      runRowBytes: Number(r.rows[0]?.b),
      resultRowBytes: Number(x.rows[0]?.b),
      histogramBytes: Number(x.rows[0]?.h),
      roundTripExact: stored?.p50Us === result.latency?.p50Us && stored?.p99Us === result.latency?.p99Us,
    };
  } finally {
    await client.end();
    await db.benchmarkRun.delete({ where: { id: run.id } });
  }
}
