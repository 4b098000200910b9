"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import {
  cannotJudgeExplanation,
  cannotJudgeShort,
  formatSignedLatencyCi,
  formatSignedLatencyUs,
  formatSignedPercent,
  verdictLabel,
} from "~/core/format/compare";
import { formatDate, formatLatencyUs } from "~/core/format/units";
import { DASHBOARD_GATE, GATE_MIN_TAIL_SAMPLES } from "~/core/gates";
import { useTRPC } from "~/trpc/react";
import { compareHref } from "./href";
import "./compare.css";

export function verdictClass(verdict: string | null): string {
  return `badge verdict-${(verdict ?? "none").replaceAll(" ", "")}`;
}

/** Each profile's baseline run and how later runs of the profile moved at p99. */
export function RegressionsView() {
  const trpc = useTRPC();
  const query = useQuery(trpc.compare.regressions.queryOptions());
  if (query.isPending) return <div className="empty">Loading baselines…</div>;
  if (query.isError) return <div className="form-error">Could not load regressions: {query.error.message}</div>;
  if (query.data.length === 0) {
    return (
      <div className="panel">
        <h2>Regressions</h2>
        <p className="muted">
          No profile has a baseline yet. Mark a succeeded run as its profile&apos;s baseline on its run page; later runs of that
          profile are then judged against it at p99.
        </p>
      </div>
    );
  }
  return (
    <>
      <h2 style={{ margin: "24px 0 8px" }}>Baselines and regressions</h2>
      <p className="muted small">
        Later runs of each profile against its reference run at p99, by the same rule as the CLI&apos;s gates: regressed or
        improved only when the whole 95% interval of the difference lies beyond {DASHBOARD_GATE.minEffect.percent}% and{" "}
        {DASHBOARD_GATE.minEffect.us} µs, and each run has at least {GATE_MIN_TAIL_SAMPLES} requests above p99; otherwise no
        change, or not enough data. That interval includes run-to-run variation, so a run or reference measured with a single
        repetition gets no verdict.
      </p>
      {query.data.map((p) => (
        <div className="panel" key={`${p.backend}:${p.mesh}`} data-testid={`regressions-${p.mesh}`}>
          <h2>
            Profile {p.mesh} <span className="muted">({p.backend.toLowerCase()})</span> · reference run{" "}
            <Link href={`/runs/${p.baseline.id}`}>{p.baseline.name}</Link>{" "}
            <span className="muted">p99 {formatLatencyUs(p.baseline.p99Us)}</span>
          </h2>
          {p.runs.length === 0 ? (
            <div className="muted">No later succeeded run of this profile yet.</div>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Created</th>
                  <th className="num">p99</th>
                  <th className="num">change</th>
                  <th className="num">95% CI</th>
                  <th>Verdict</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {p.runs.map((r) => (
                  <tr key={r.runId}>
                    <td>
                      <Link href={`/runs/${r.runId}`}>{r.name}</Link>
                    </td>
                    <td className="muted">{formatDate(r.createdAt)}</td>
                    <td className="num">{formatLatencyUs(r.p99Us)}</td>
                    <td className="num">
                      {formatSignedLatencyUs(r.change?.absoluteUs)} ({formatSignedPercent(r.change?.percent)})
                    </td>
                    <td className="num">
                      {r.change?.absoluteCi
                        ? formatSignedLatencyCi(r.change.absoluteCi)
                        : r.noVerdictReason
                          ? cannotJudgeShort(r.noVerdictReason)
                          : formatSignedLatencyCi(null)}
                    </td>
                    <td>
                      <span
                        className={verdictClass(r.verdict)}
                        title={r.noVerdictReason ? cannotJudgeExplanation(r.noVerdictReason, []) : undefined}
                      >
                        {verdictLabel(r.verdict, r.noVerdictReason)}
                      </span>
                      {r.differences.length > 0 && <span className="muted small"> {r.differences.join(", ")} differ</span>}
                    </td>
                    <td>
                      <Link href={compareHref([p.baseline.id, r.runId], p.baseline.id)}>compare</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </>
  );
}
