import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { db, Prisma } from "~/server/db/client";
import { RunStatus } from "~/server/db/generated/enums";
import { MESH_PROFILES, meshesFor } from "~/server/domain/meshes";
import { runNameSchema, runSpecSchema } from "~/server/domain/spec";
import { runDetail } from "~/server/runs/detail";
import { cancelRun, createRun } from "~/server/runs/service";

const runIdSchema = z.string().min(1).max(64);

/** Columns the runs list needs: no spec blobs, no histograms. */
const listSelect = {
  id: true,
  name: true,
  backend: true,
  mesh: true,
  status: true,
  progress: true,
  phase: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  p50Us: true,
  p99Us: true,
  actualQps: true,
  errorCount: true,
  requestCount: true,
} as const;

/**
 * The page after a cursor run, newest first. A row-value comparison walks the (createdAt, id)
 * index straight from the cursor, so every page costs the same; Prisma's `cursor` option filters
 * `(createdAt = c AND id <= i) OR createdAt < c` from the newest run down, which grows with the
 * depth (`npm run bench`, section 2: 1.5 ms vs 40 µs of SQL on 10,000 runs). The ids come from
 * SQL, the rows from Prisma, so the select stays typed.
 */
async function pageAfter(cursor: string, take: number, where: { status?: RunStatus; mesh?: string }) {
  const filters = [
    where.status ? Prisma.sql`AND "status" = ${where.status}::"RunStatus"` : Prisma.empty,
    where.mesh ? Prisma.sql`AND "mesh" = ${where.mesh}` : Prisma.empty,
  ];
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "BenchmarkRun"
    WHERE ("createdAt", "id") < (SELECT "createdAt", "id" FROM "BenchmarkRun" WHERE "id" = ${cursor}) ${filters[0]} ${filters[1]}
    ORDER BY "createdAt" DESC, "id" DESC
    LIMIT ${take}`;
  const rows = await db.benchmarkRun.findMany({ where: { id: { in: ids.map((r) => r.id) } }, select: listSelect });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((r) => byId.get(r.id) ?? []);
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
      const where = { status: input.status, mesh: input.mesh };
      const orderBy = [{ createdAt: "desc" as const }, { id: "desc" as const }];
      const items = input.cursor
        ? await pageAfter(input.cursor, input.limit + 1, where)
        : await db.benchmarkRun.findMany({ where, orderBy, take: input.limit + 1, select: listSelect });
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
