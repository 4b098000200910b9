"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import {
  cannotJudgeExplanation,
  formatSignedLatencyCi,
  formatSignedLatencyUs,
  formatSignedPercent,
  verdictLabel,
} from "~/core/format/compare";
import { useTRPC } from "~/trpc/react";
import { compareHref } from "./href";
import { verdictClass } from "./regressions";
import "./compare.css";

/**
 * On the run page: whether the run is its profile's baseline (operators and admins can mark or unmark it) and,
 * for a later run of a profile with a baseline, whether its p99 regressed beyond the 95% interval.
 */
export function RunBaselineControl({ runId, mesh, canOperate }: { runId: string; mesh: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.compare.runStatus.queryOptions({ runId }));
  const mark = useMutation(
    trpc.compare.setBaseline.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.compare.pathKey() }),
    }),
  );
  if (!query.data) return null;
  const { isProfileBaseline, canBeBaseline, baseline, regression } = query.data;
  return (
    <>
      {isProfileBaseline && (
        <span className="badge baseline" data-testid="baseline-badge">
          baseline of {mesh}
        </span>
      )}
      {regression && baseline && (
        <span
          className={verdictClass(regression.verdict)}
          data-testid="regression-badge"
          title={`p99 ${formatSignedLatencyUs(regression.change?.absoluteUs)} (${formatSignedPercent(regression.change?.percent)}), ${regression.noVerdictReason ? cannotJudgeExplanation(regression.noVerdictReason, []) : `95% CI ${formatSignedLatencyCi(regression.change?.absoluteCi)}`}${regression.differences.length > 0 ? `; ${regression.differences.join(", ")} differ` : ""}`}
        >
          p99 {verdictLabel(regression.verdict, regression.noVerdictReason)}
          {regression.verdict !== "not comparable" && regression.change
            ? ` ${formatSignedLatencyUs(regression.change.absoluteUs)} (${formatSignedPercent(regression.change.percent)})`
            : ""}{" "}
          vs <Link href={compareHref([baseline.id, runId], baseline.id)}>{baseline.name}</Link>
        </span>
      )}
      {canOperate && canBeBaseline && (
        <button
          type="button"
          className="btn"
          data-testid="mark-baseline"
          disabled={mark.isPending}
          onClick={() => mark.mutate({ runId, baseline: !isProfileBaseline })}
          title={isProfileBaseline ? undefined : baseline ? `Replaces ${baseline.name} as the ${mesh} baseline` : undefined}
        >
          {isProfileBaseline ? "Unmark baseline" : `Mark as ${mesh} baseline`}
        </button>
      )}
      {mark.isError && <span className="form-error">{mark.error.message}</span>}
    </>
  );
}
