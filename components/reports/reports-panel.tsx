"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ACTIVE_STATUSES } from "~/core/run-status";
import { useTRPC } from "~/trpc/react";
import { ReportRows } from "./report-rows";

/** Reports of exactly these runs: generate (operators and admins) and download (everyone logged in). */
export function ReportsPanel({
  runIds,
  baselineId,
  canOperate,
}: {
  runIds: string[];
  baselineId: string | null;
  canOperate: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(
    trpc.reports.list.queryOptions(
      { runIds, limit: 20 },
      {
        refetchInterval: (q) => (q.state.data?.items.some((r) => ACTIVE_STATUSES.includes(r.status)) ? 1_000 : false),
      },
    ),
  );
  const generate = useMutation(
    trpc.reports.generate.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.pathKey() }),
    }),
  );
  const start = (formats: ("HTML" | "PDF")[]) => generate.mutate({ runIds, baselineId, formats });

  return (
    <div className="panel" data-testid="reports-panel">
      <div className="toolbar">
        <h2 style={{ margin: 0 }}>Reports</h2>
        <span className="spacer" />
        {canOperate ? (
          <>
            <button type="button" className="btn primary" disabled={generate.isPending} onClick={() => start(["PDF"])}>
              Generate PDF report
            </button>
            <button type="button" className="btn" disabled={generate.isPending} onClick={() => start(["HTML"])}>
              Generate HTML report
            </button>
          </>
        ) : (
          <span className="muted small">Admins generate reports; anyone logged in can download them.</span>
        )}
      </div>
      {generate.isError && <div className="form-error">{generate.error.message}</div>}
      {generate.data && !generate.data.enqueued && (
        <div className="notice">Stored, but the queue is unreachable: the worker will pick the report up when it reconnects.</div>
      )}
      {list.isError ? (
        <div className="form-error">Could not load reports: {list.error.message}</div>
      ) : list.isPending ? (
        <div className="empty">Loading reports…</div>
      ) : list.data.items.length === 0 ? (
        <div className="empty">No report of this comparison yet.</div>
      ) : (
        <ReportRows reports={list.data.items} waitingForBenchmark={list.data.waitingForBenchmark} showTitle={false} />
      )}
    </div>
  );
}
