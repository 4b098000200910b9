import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MAX_COMPARE_RUNS, MIN_COMPARE_RUNS } from "~/core/compare-limits";
import { MESH_PROFILES } from "~/core/meshes";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { recordAudit } from "~/server/audit";
import { db } from "~/server/db/client";
import {
  COMPARABLE_STATUS,
  ComparisonError,
  listRegressions,
  loadComparison,
  profileBaselineFor,
  runRegression,
  setProfileBaseline,
} from "~/server/reports/comparison";

const runIdSchema = z.string().min(1).max(64);

export const compareRunIdsSchema = z
  .array(runIdSchema)
  .min(MIN_COMPARE_RUNS, `Pick at least ${MIN_COMPARE_RUNS} runs`)
  .max(MAX_COMPARE_RUNS, `Pick at most ${MAX_COMPARE_RUNS} runs`)
  .refine((ids) => new Set(ids).size === ids.length, "A run can appear only once");

/** Maps the loader's errors to typed tRPC errors. */
export function asTRPCError(error: unknown): never {
  if (error instanceof ComparisonError) {
    throw new TRPCError({ code: error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", message: error.message, cause: error });
  }
  throw error;
}

export const compareRouter = createTRPCRouter({
  /** Everything the compare page shows for 2-8 succeeded runs. */
  runs: protectedProcedure
    .input(z.object({ runIds: compareRunIdsSchema, baselineId: runIdSchema.nullish() }))
    .query(async ({ input }) => {
      try {
        return await loadComparison(input.runIds, input.baselineId);
      } catch (error) {
        asTRPCError(error);
      }
    }),

  /** Succeeded runs to pick from, newest first, optionally filtered by a name search and profile. */
  candidates: protectedProcedure
    .input(
      z.object({
        search: z.string().trim().max(120).optional(),
        mesh: z.enum(MESH_PROFILES).optional(),
        limit: z.number().int().min(1).max(100).default(25),
        cursor: runIdSchema.nullish(),
      }),
    )
    .query(async ({ input }) => {
      const items = await db.benchmarkRun.findMany({
        where: {
          status: COMPARABLE_STATUS,
          mesh: input.mesh,
          ...(input.search ? { name: { contains: input.search, mode: "insensitive" as const } } : {}),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
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
        },
      });
      const hasMore = items.length > input.limit;
      const page = hasMore ? items.slice(0, input.limit) : items;
      return { items: page, nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null };
    }),

  /** Profiles with a baseline run, and how later runs of each compare with it. */
  regressions: protectedProcedure.query(() => listRegressions()),

  /** For the run page: is it its profile's baseline, and if not, how it compares with the baseline. */
  runStatus: protectedProcedure.input(z.object({ runId: runIdSchema })).query(async ({ input }) => {
    const run = await db.benchmarkRun.findUnique({
      where: { id: input.runId },
      select: { id: true, mesh: true, backend: true, status: true, isProfileBaseline: true },
    });
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
    const baseline = await profileBaselineFor(run);
    try {
      return {
        isProfileBaseline: run.isProfileBaseline,
        canBeBaseline: run.status === COMPARABLE_STATUS,
        baseline: baseline ? { id: baseline.id, name: baseline.name } : null,
        regression: run.isProfileBaseline ? null : await runRegression(run.id),
      };
    } catch (error) {
      asTRPCError(error);
    }
  }),

  /** Marks (or unmarks) a run as the baseline of its profile; the previous baseline is unmarked. */
  setBaseline: adminProcedure.input(z.object({ runId: runIdSchema, baseline: z.boolean() })).mutation(async ({ ctx, input }) => {
    try {
      const run = await setProfileBaseline(input.runId, input.baseline);
      await recordAudit({
        userId: ctx.user.id,
        action: input.baseline ? "run.baseline.set" : "run.baseline.clear",
        target: run.id,
        detail: { mesh: run.mesh, backend: run.backend },
      });
      return run;
    } catch (error) {
      asTRPCError(error);
    }
  }),
});
