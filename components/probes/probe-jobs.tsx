"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ProgressBar, StatusBadge } from "~/components/runs/status-badge";
import { formatDate } from "~/core/format/units";
import { PROBE_NAMES, PROBES, type ProbeName } from "~/core/probes";
import { useTRPC } from "~/trpc/react";

/** Standalone probe jobs: a form for operators and admins and the latest jobs for everyone. */
export function ProbeJobs({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const jobs = useQuery(
    trpc.probes.listJobs.queryOptions(undefined, {
      refetchInterval: (q) => (q.state.data?.some((j) => j.status === "QUEUED" || j.status === "RUNNING") ? 1_500 : false),
    }),
  );
  const create = useMutation(
    trpc.probes.createJob.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.probes.listJobs.queryKey() }),
    }),
  );
  const [probe, setProbe] = useState<ProbeName>("runqlat");
  const [seconds, setSeconds] = useState("10");
  const secondsValue = Number(seconds);
  const secondsError =
    Number.isInteger(secondsValue) && secondsValue >= 1 && secondsValue <= 600 ? null : "1 to 600 whole seconds";

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!secondsError) create.mutate({ probe, durationSeconds: secondsValue });
  }

  return (
    <>
      {canOperate && (
        <form className="panel" onSubmit={onSubmit} aria-label="New probe job">
          <h2>Run a probe on its own</h2>
          <div className="form">
            <div className="field">
              <label htmlFor="probe">Probe</label>
              <select id="probe" value={probe} onChange={(e) => setProbe(e.target.value as ProbeName)}>
                {PROBE_NAMES.map((p) => (
                  <option key={p} value={p}>
                    {PROBES[p].title}
                  </option>
                ))}
              </select>
              <span className="hint">{PROBES[probe].description}</span>
            </div>
            <div className={`field${secondsError ? " invalid" : ""}`}>
              <label htmlFor="seconds">Duration (s)</label>
              <input id="seconds" type="number" min={1} max={600} value={seconds} onChange={(e) => setSeconds(e.target.value)} />
              {secondsError ? (
                <span className="error">{secondsError}</span>
              ) : (
                <span className="hint">Runs on the worker's machine</span>
              )}
            </div>
          </div>
          {create.isError && <div className="form-error">{create.error.message}</div>}
          <div className="toolbar" style={{ marginTop: 12, marginBottom: 0 }}>
            <button className="btn primary" type="submit" disabled={create.isPending || Boolean(secondsError)}>
              Start probe
            </button>
          </div>
        </form>
      )}
      <div className="panel">
        {jobs.isPending ? (
          <div className="empty">Loading…</div>
        ) : jobs.isError ? (
          <div className="form-error">{jobs.error.message}</div>
        ) : jobs.data.length === 0 ? (
          <div className="empty">No probe jobs yet.</div>
        ) : (
          <table className="data" data-testid="probe-jobs">
            <thead>
              <tr>
                <th>Probe</th>
                <th>Status</th>
                <th className="num">Duration</th>
                <th>Started by</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((j) => (
                <tr key={j.id}>
                  <td>
                    <Link href={`/probes/${j.id}`}>{PROBES[j.probe as ProbeName]?.title ?? j.probe}</Link>
                  </td>
                  <td>
                    <StatusBadge status={j.status} /> {j.status === "RUNNING" && <ProgressBar percent={j.progress} />}
                  </td>
                  <td className="num">{j.durationSeconds} s</td>
                  <td>{j.createdBy?.email ?? "—"}</td>
                  <td className="muted">{formatDate(j.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
