import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { pageOf, rowsToRead } from "~/server/api/paging";
import { recordAudit } from "~/server/audit";
import { ComparisonError, loadComparison } from "~/server/reports/comparison";
import {
  findProfileBaseline,
  findRunHeader,
  isComparableStatus,
  listComparableRuns,
  markProfileBaseline,
} from "~/server/runs/store";
import { listRegressions, runRegression } from "./regressions";
import type { compareCandidatesInput, compareRunsInput, setBaselineInput } from "./schemas";

/** The loader's errors as typed tRPC errors: a missing run is NOT_FOUND, a run that cannot be compared a CONFLICT. */
function rethrowAsTRPCError(error: unknown): never {
  if (error instanceof ComparisonError) {
    throw new TRPCError({ code: error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", message: error.message, cause: error });
  }
  throw error;
}

/** Everything the compare page shows for 2-8 succeeded runs. */
export async function compareRuns(input: z.output<typeof compareRunsInput>) {
  try {
    return await loadComparison(input.runIds, input.baselineId);
  } catch (error) {
    rethrowAsTRPCError(error);
  }
}

/** Succeeded runs to pick from, newest first, optionally filtered by a name search and profile. */
export async function compareCandidates(input: z.output<typeof compareCandidatesInput>) {
  const rows = await listComparableRuns({
    cursor: input.cursor,
    take: rowsToRead(input.limit),
    search: input.search,
    mesh: input.mesh,
  });
  return pageOf(rows, input.limit, (run) => run.id);
}

/** Profiles with a baseline run, and how later runs of each compare with it. */
export function profileRegressions() {
  return listRegressions();
}

/** For the run page: is it its profile's baseline, and if not, how it compares with the baseline. */
export async function baselineStatus(runId: string) {
  const run = await findRunHeader(runId);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  const baseline = await findProfileBaseline(run);
  try {
    return {
      isProfileBaseline: run.isProfileBaseline,
      canBeBaseline: isComparableStatus(run.status),
      baseline: baseline ? { id: baseline.id, name: baseline.name } : null,
      regression: run.isProfileBaseline ? null : await runRegression(run, baseline),
    };
  } catch (error) {
    rethrowAsTRPCError(error);
  }
}

/** Marks (or unmarks) a run as the baseline of its profile; the previous baseline is unmarked. */
export async function setBaseline(input: z.output<typeof setBaselineInput>, userId: string) {
  const marking = await markProfileBaseline(input.runId, input.baseline);
  if (marking.outcome === "NOT_FOUND") throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  if (marking.outcome === "NOT_COMPARABLE") {
    throw new TRPCError({ code: "CONFLICT", message: "Only a succeeded run can be a baseline." });
  }
  const { run } = marking;
  await recordAudit({
    userId,
    action: input.baseline ? "run.baseline.set" : "run.baseline.clear",
    target: run.id,
    detail: { mesh: run.mesh, backend: run.backend },
  });
  return run;
}
