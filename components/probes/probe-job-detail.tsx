"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { ProgressBar, StatusBadge } from "~/components/runs/status-badge";
import { formatDate, formatDuration } from "~/core/format/units";
import { useTRPC } from "~/trpc/react";
import { ProbeResultCard } from "./probe-result-card";

export function ProbeJobDetail({ id, canOperate }: { id: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.probes.getJob.queryOptions(
      { id },
      { refetchInterval: (q) => (q.state.data?.status === "QUEUED" || q.state.data?.status === "RUNNING" ? 1_000 : false) },
    ),
  );
  const cancel = useMutation(trpc.probes.cancelJob.mutationOptions({ onSettled: () => query.refetch() }));
  if (query.isPending) return <div className="empty">Loading…</div>;
  if (query.isError) return <div className="form-error">{query.error.message}</div>;
  const job = query.data;
  const active = job.status === "QUEUED" || job.status === "RUNNING";
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Probe: {job.probe}</h1>
        <StatusBadge status={job.status} />
        {job.status === "RUNNING" && <ProgressBar percent={job.progress} />}
        <span className="spacer" />
        {canOperate && active && (
          <button
            type="button"
            className="btn danger"
            onClick={() => cancel.mutate({ id })}
            disabled={cancel.isPending || job.cancelRequestedAt !== null}
          >
            Stop probe
          </button>
        )}
      </div>
      {job.error && <div className={job.status === "CANCELLED" ? "notice" : "form-error"}>{job.error}</div>}
      <p className="muted">
        {job.durationSeconds} s requested by {job.createdBy?.email ?? "—"} on {formatDate(job.createdAt)}; ran for{" "}
        {formatDuration(job.startedAt, job.finishedAt)}.
      </p>
      {job.results.length > 0 ? (
        <ProbeResultCard probe={job.probe} results={job.results} />
      ) : (
        <div className="empty">{active ? "The result appears when the probe ends." : "No result was stored."}</div>
      )}
    </>
  );
}
