import { byRunIdInput } from "~/server/api/schemas";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "~/server/api/trpc";
import { judgeRunGates } from "~/server/compare/gates";
import { compareCandidatesInput, compareRunsInput, judgeGatesInput, setBaselineInput } from "~/server/compare/schemas";
import { baselineStatus, compareCandidates, compareRuns, profileRegressions, setBaseline } from "~/server/compare/service";

export const compareRouter = createTRPCRouter({
  /** Everything the compare page shows for 2-8 succeeded runs. */
  runs: protectedProcedure.input(compareRunsInput).query(({ input }) => compareRuns(input)),

  /** Succeeded runs to pick from, newest first, optionally filtered by a name search and profile. */
  candidates: protectedProcedure.input(compareCandidatesInput).query(({ input }) => compareCandidates(input)),

  /** Profiles with a baseline run, and how later runs of each compare with it. */
  regressions: protectedProcedure.query(() => profileRegressions()),

  /** For the run page: is it its profile's baseline, and if not, how it compares with the baseline. */
  runStatus: protectedProcedure.input(byRunIdInput).query(({ input }) => baselineStatus(input.runId)),

  /** A finished run's gates (percentile + minimum effect) against a baseline run or a profile's baseline: the CLI's CI gate. */
  gates: protectedProcedure.input(judgeGatesInput).query(({ input }) => judgeRunGates(input)),

  /** Marks (or unmarks) a run as the baseline of its profile; the previous baseline is unmarked. */
  setBaseline: operatorProcedure.input(setBaselineInput).mutation(({ ctx, input }) => setBaseline(input, ctx.user.id)),
});
