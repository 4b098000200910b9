import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { MESH_PROFILES, type MeshProfile } from "~/core/meshes";
import { ComparisonError, judgeGatesAgainst, loadCompareInputs } from "~/server/reports/comparison";
import { findProfileBaseline, findRunHeader, isComparableStatus } from "~/server/runs/store";
import type { judgeGatesInput } from "./schemas";

/**
 * The CLI's gates: a finished run judged against a baseline run, named by id or by profile (the
 * run marked as that mesh's baseline on the run's backend).
 */
export async function judgeRunGates(input: z.output<typeof judgeGatesInput>) {
  const run = await findRunHeader(input.runId);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: `No run with id ${input.runId}.` });
  const baselineId = await resolveBaseline(input.baseline, run);
  if (baselineId === run.id) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A run cannot be its own baseline." });
  }
  try {
    const [candidate, baseline] = await loadCompareInputs([run.id, baselineId]);
    if (!candidate || !baseline) throw new ComparisonError("NOT_FOUND", "No such run.");
    for (const r of [candidate, baseline]) {
      if (!isComparableStatus(r.status) || r.repetitions.length === 0) {
        throw new ComparisonError("NOT_FINISHED", `“${r.name}” is ${r.status.toLowerCase()}: only succeeded runs can be judged.`);
      }
    }
    return { ...judgeGatesAgainst(candidate, baseline, input.gates), runName: candidate.name, baselineName: baseline.name };
  } catch (error) {
    if (error instanceof ComparisonError) {
      throw new TRPCError({ code: error.code === "NOT_FOUND" ? "NOT_FOUND" : "CONFLICT", message: error.message });
    }
    throw error;
  }
}

const isMeshProfile = (ref: string): ref is MeshProfile => (MESH_PROFILES as readonly string[]).includes(ref);

async function resolveBaseline(ref: string, run: { backend: "LOCAL" | "KUBERNETES" }): Promise<string> {
  if (!isMeshProfile(ref)) return ref;
  const baseline = await findProfileBaseline({ mesh: ref, backend: run.backend });
  if (!baseline) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `Profile “${ref}” has no baseline run on the ${run.backend.toLowerCase()} backend: mark one on its run page, or pass a run id.`,
    });
  }
  return baseline.id;
}
