"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { compareHref } from "~/components/compare/href";
import { useFallbackPolling } from "~/components/live/live-provider";
import { LoadMore } from "~/components/ui/load-more";
import { MAX_COMPARE_RUNS, MIN_COMPARE_RUNS } from "~/core/compare-limits";
import { formatDate, formatLatencyUs, formatRate, MISSING } from "~/core/format/units";
import { MESH_PROFILES, type MeshProfile } from "~/core/meshes";
import { ACTIVE_STATUSES, RUN_STATUSES, type RunStatus } from "~/core/run-status";
import { useTRPC } from "~/trpc/react";
import { ImportedTag } from "./import-provenance";
import { ProgressBar, StatusBadge } from "./status-badge";

const STATUSES = RUN_STATUSES;

export function RunsTable() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<RunStatus | "">("");
  const [mesh, setMesh] = useState<MeshProfile | "">("");
  const poll = useFallbackPolling();
  const query = useInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions(
      { limit: 25, status: status || undefined, mesh: mesh || undefined },
      {
        getNextPageParam: (last) => last.nextCursor,
        // Poll only while something on screen can still change.
        refetchInterval: (q) =>
          q.state.data?.pages.some((p) => p.items.some((r) => ACTIVE_STATUSES.includes(r.status))) ? poll(1_500) : false,
      },
    ),
  );
  const runs = query.data?.pages.flatMap((p) => p.items) ?? [];
  // Only succeeded runs can be compared; the selection survives filtering and paging.
  const router = useRouter();
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= MAX_COMPARE_RUNS ? s : [...s, id]));

  return (
    <div className="panel">
      <div className="toolbar">
        <label className="muted" htmlFor="status-filter">
          Status
        </label>
        <select id="status-filter" className="btn" value={status} onChange={(e) => setStatus(e.target.value as RunStatus | "")}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        <label className="muted" htmlFor="mesh-filter">
          Mesh
        </label>
        <select id="mesh-filter" className="btn" value={mesh} onChange={(e) => setMesh(e.target.value as MeshProfile | "")}>
          <option value="">all</option>
          {MESH_PROFILES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <span className="spacer" />
        {selected.length > 0 && <span className="muted">{selected.length} selected</span>}
        <button
          type="button"
          className="btn"
          disabled={selected.length < MIN_COMPARE_RUNS}
          onClick={() => router.push(compareHref(selected))}
          title={`Tick ${MIN_COMPARE_RUNS} to ${MAX_COMPARE_RUNS} succeeded runs`}
        >
          Compare selected
        </button>
      </div>
      {query.isError && <div className="form-error">Could not load runs: {query.error.message}</div>}
      {query.isPending ? (
        <div className="empty">Loading runs…</div>
      ) : runs.length === 0 ? (
        <div className="empty">No runs yet{status || mesh ? " match these filters" : ""}.</div>
      ) : (
        <table className="data" data-testid="runs-table">
          <thead>
            <tr>
              <th style={{ width: 28, paddingRight: 0 }} />
              <th>Name</th>
              <th>Mesh</th>
              <th>Status</th>
              <th className="num">p50</th>
              <th className="num">p99</th>
              <th className="num">Throughput</th>
              <th className="num">Errors</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td style={{ width: 28, paddingRight: 0 }}>
                  <input
                    type="checkbox"
                    aria-label={`Select ${run.name} for comparison`}
                    checked={selected.includes(run.id)}
                    disabled={run.status !== "SUCCEEDED" || (!selected.includes(run.id) && selected.length >= MAX_COMPARE_RUNS)}
                    onChange={() => toggle(run.id)}
                  />
                </td>
                <td>
                  <Link href={`/runs/${run.id}`}>{run.name}</Link> <ImportedTag imported={run.imported} />
                </td>
                <td>
                  {run.mesh}
                  {run.backend === "KUBERNETES" && <span className="muted"> · cluster</span>}
                </td>
                <td title={run.status === "RUNNING" ? (run.phase ?? undefined) : undefined}>
                  <StatusBadge status={run.status} /> {run.status === "RUNNING" && <ProgressBar percent={run.progress} />}
                </td>
                <td className="num">{formatLatencyUs(run.p50Us)}</td>
                <td className="num">{formatLatencyUs(run.p99Us)}</td>
                <td className="num">{formatRate(run.actualQps)}</td>
                <td className="num">{run.errorCount ?? MISSING}</td>
                <td className="muted">{formatDate(run.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore query={query} />
    </div>
  );
}
