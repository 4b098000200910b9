import { COMPARABLE_STATUS } from "~/core/run-status";
import { db, Prisma } from "~/server/db/client";
import type { Backend, RunStatus } from "~/server/db/generated/enums";
import { importProvenanceColumn } from "./json-columns";

/** A row of the runs list: no spec blobs, no histograms. Column names as Prisma's model has them. */
interface RunListRow {
  id: string;
  name: string;
  backend: Backend;
  mesh: string;
  status: RunStatus;
  progress: number;
  phase: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  p50Us: number | null;
  p99Us: number | null;
  actualQps: number | null;
  errorCount: number | null;
  requestCount: number | null;
  /** BenchmarkRun.importProvenance, unparsed: set on imported runs (json-columns.ts). */
  importProvenance: unknown;
}

/**
 * Runs newest first (ties broken by id), after the run `cursor` if given, in one statement. After a
 * cursor, a row-value comparison walks the (createdAt, id) index straight from the cursor, so a
 * deep page costs what the first one does; Prisma's `cursor` option instead filters
 * `(createdAt = c AND id <= i) OR createdAt < c`, which scans from the newest run down. Raw SQL
 * also skips Prisma's per-query overhead, which here is many times the SQL itself.
 */
export async function listRunRows(options: { cursor?: string | null; take: number; status?: RunStatus; mesh?: string }) {
  const after = options.cursor
    ? Prisma.sql`AND ("createdAt", "id") < (SELECT "createdAt", "id" FROM "BenchmarkRun" WHERE "id" = ${options.cursor})`
    : Prisma.empty;
  const status = options.status ? Prisma.sql`AND "status" = ${options.status}::"RunStatus"` : Prisma.empty;
  const mesh = options.mesh ? Prisma.sql`AND "mesh" = ${options.mesh}` : Prisma.empty;
  const rows = await db.$queryRaw<RunListRow[]>`
    SELECT "id", "name", "backend", "mesh", "status", "progress", "phase", "error", "createdAt", "startedAt", "finishedAt",
           "p50Us", "p99Us", "actualQps", "errorCount", "requestCount", "importProvenance"
    FROM "BenchmarkRun"
    WHERE TRUE ${after} ${status} ${mesh}
    ORDER BY "createdAt" DESC, "id" DESC
    LIMIT ${options.take}`;
  return rows.map(({ importProvenance, ...row }) => ({ ...row, imported: importProvenanceColumn.parse(importProvenance) }));
}

/** Runs a comparison accepts, newest first, optionally by a case-insensitive name search and a mesh. */
export function listComparableRuns(options: { cursor?: string | null; take: number; search?: string; mesh?: string }) {
  return db.benchmarkRun.findMany({
    where: {
      status: COMPARABLE_STATUS,
      mesh: options.mesh,
      ...(options.search ? { name: { contains: options.search, mode: "insensitive" as const } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      name: true,
      mesh: true,
      backend: true,
      createdAt: true,
      p50Us: true,
      p99Us: true,
      actualQps: true,
      isProfileBaseline: true,
      importProvenance: true,
    },
  });
}
