"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { LoadMore } from "~/components/ui/load-more";
import { ACTIVE_STATUSES } from "~/core/run-status";
import { useTRPC } from "~/trpc/react";
import { ReportRows } from "./report-rows";
import "~/components/compare/compare.css";

/** Every stored report, newest first. */
export function ReportsList({ canDelete }: { canDelete: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(
    trpc.reports.list.infiniteQueryOptions(
      { limit: 25 },
      {
        getNextPageParam: (last) => last.nextCursor,
        refetchInterval: (q) =>
          q.state.data?.pages.some((p) => p.items.some((r) => ACTIVE_STATUSES.includes(r.status))) ? 1_000 : false,
      },
    ),
  );
  const remove = useMutation(
    trpc.reports.delete.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.pathKey() }),
    }),
  );
  const reports = query.data?.pages.flatMap((p) => p.items) ?? [];
  const waiting = query.data?.pages.some((p) => p.waitingForBenchmark) ?? false;
  return (
    <div className="panel">
      {remove.isError && <div className="form-error">{remove.error.message}</div>}
      {query.isError ? (
        <div className="form-error">Could not load reports: {query.error.message}</div>
      ) : query.isPending ? (
        <div className="empty">Loading reports…</div>
      ) : reports.length === 0 ? (
        <div className="empty">No reports yet. Compare runs and generate one from the comparison.</div>
      ) : (
        <ReportRows
          reports={reports}
          waitingForBenchmark={waiting}
          showTitle
          onDelete={canDelete ? (id) => remove.mutate({ id }) : undefined}
        />
      )}
      <LoadMore query={query} />
    </div>
  );
}
