import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MESH_PROFILES, meshesFor } from "~/core/meshes";
import { runNameSchema, runSpecSchema } from "~/core/spec";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { db, Prisma } from "~/server/db/client";
import { type Backend, RunStatus } from "~/server/db/generated/enums";
import { runDetail } from "~/server/runs/detail";
import { cancelRun, createRun } from "~/server/runs/service";

const runIdSchema = z.string().min(1).max(64);

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
}

/**
 * One page of runs, newest first, in one statement. After a cursor, a row-value comparison walks
 * the (createdAt, id) index straight from the cursor, so every page costs the same; Prisma's
 * `cursor` option filters `(createdAt = c AND id <= i) OR createdAt < c` from the newest run down,
 * which grows with the depth (`npm run bench`, section 2). Raw, not findMany: Prisma's client
 * costs about 2 ms a query here against well under 0.1 ms of SQL (bench/experimental/api-breakdown.ts).
 */
function listPage(cursor: string | null | undefined, take: number, where: { status?: RunStatus; mesh?: string }) {
  const after = cursor
    ? Prisma.sql`AND ("createdAt", "id") < (SELECT "createdAt", "id" FROM "BenchmarkRun" WHERE "id" = ${cursor})`
    : Prisma.empty;
  const status = where.status ? Prisma.sql`AND "status" = ${where.status}::"RunStatus"` : Prisma.empty;
  const mesh = where.mesh ? Prisma.sql`AND "mesh" = ${where.mesh}` : Prisma.empty;
  return db.$queryRaw<RunListRow[]>`
    SELECT "id", "name", "backend", "mesh", "status", "progress", "phase", "error", "createdAt", "startedAt", "finishedAt",
           "p50Us", "p99Us", "actualQps", "errorCount", "requestCount"
    FROM "BenchmarkRun"
    WHERE TRUE ${after} ${status} ${mesh}
    ORDER BY "createdAt" DESC, "id" DESC
    LIMIT ${take}`;
}

export const runsRouter = createTRPCRouter({
  list: protectedProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(100).default(25),
        cursor: runIdSchema.nullish(),
        status: z.enum(RunStatus).optional(),
        mesh: z.enum(MESH_PROFILES).optional(),
      }),
    )
    .query(async ({ input }) => {
      const items = await listPage(input.cursor, input.limit + 1, { status: input.status, mesh: input.mesh });
      const hasMore = items.length > input.limit;
      const page = hasMore ? items.slice(0, input.limit) : items;
      return { items: page, nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null };
    }),

  get: protectedProcedure.input(z.object({ id: runIdSchema })).query(async ({ input }) => {
    const detail = await runDetail(input.id);
    if (!detail) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
    return detail;
  }),

  meshes: protectedProcedure.query(() => ({ local: meshesFor("LOCAL"), kubernetes: meshesFor("KUBERNETES") })),

  create: adminProcedure.input(z.object({ name: runNameSchema, spec: runSpecSchema })).mutation(async ({ ctx, input }) => {
    const { run, enqueued } = await createRun({ name: input.name, spec: input.spec, userId: ctx.user.id });
    return { id: run.id, enqueued };
  }),

  cancel: adminProcedure.input(z.object({ id: runIdSchema })).mutation(async ({ ctx, input }) => {
    const run = await cancelRun(input.id, ctx.user.id);
    return { id: run.id, status: run.status };
  }),
});
