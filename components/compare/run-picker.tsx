"use client";

import { useInfiniteQuery, useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useDeferredValue, useState } from "react";
import { LoadMore } from "~/components/ui/load-more";
import { MAX_COMPARE_RUNS, MIN_COMPARE_RUNS } from "~/core/compare-limits";
import { formatDate, formatLatencyUs, formatRate } from "~/core/format/units";
import { MESH_PROFILES, type MeshProfile } from "~/core/meshes";
import { useTRPC } from "~/trpc/react";
import { compareHref } from "./href";
import "./compare.css";

/**
 * Succeeded runs with checkboxes: pick 2-8 to compare, or (operators and admins, mode "report") 1-8 to put in
 * a report. Searchable by name, filterable by profile.
 */
export function RunPicker({ initial, mode, canOperate }: { initial: string[]; mode: "compare" | "report"; canOperate: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const [mesh, setMesh] = useState<MeshProfile | "">("");
  const [selected, setSelected] = useState<string[]>(initial.slice(0, MAX_COMPARE_RUNS));
  const deferredSearch = useDeferredValue(search.trim());
  const query = useInfiniteQuery(
    trpc.compare.candidates.infiniteQueryOptions(
      { limit: 25, search: deferredSearch || undefined, mesh: mesh || undefined },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );
  const generate = useMutation(trpc.reports.generate.mutationOptions());
  const runs = query.data?.pages.flatMap((p) => p.items) ?? [];
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= MAX_COMPARE_RUNS ? s : [...s, id]));
  const min = mode === "compare" ? MIN_COMPARE_RUNS : 1;
  const ready = selected.length >= min && selected.length <= MAX_COMPARE_RUNS;

  return (
    <div className="panel" data-testid="run-picker">
      <div className="toolbar">
        <input
          className="search"
          type="search"
          placeholder="Search runs by name"
          aria-label="Search runs"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          className="btn"
          aria-label="Mesh profile"
          value={mesh}
          onChange={(e) => setMesh(e.target.value as MeshProfile | "")}
        >
          <option value="">all profiles</option>
          {MESH_PROFILES.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <span className="muted">
          {selected.length} selected{selected.length >= MAX_COMPARE_RUNS ? ` (at most ${MAX_COMPARE_RUNS})` : ""}
        </span>
        {selected.length > 0 && (
          <button type="button" className="btn" onClick={() => setSelected([])}>
            Clear
          </button>
        )}
        {mode === "compare" ? (
          <button type="button" className="btn primary" disabled={!ready} onClick={() => router.push(compareHref(selected))}>
            Compare {selected.length >= MIN_COMPARE_RUNS ? `${selected.length} runs` : "selected"}
          </button>
        ) : canOperate ? (
          <button
            type="button"
            className="btn primary"
            disabled={!ready || generate.isPending}
            onClick={() => generate.mutate({ runIds: selected, formats: ["PDF", "HTML"] })}
          >
            Generate PDF + HTML report
          </button>
        ) : null}
      </div>
      {generate.isError && <div className="form-error">{generate.error.message}</div>}
      {generate.isSuccess && <div className="notice">Report queued: it appears in the list below when it is ready.</div>}
      {query.isError && <div className="form-error">Could not load runs: {query.error.message}</div>}
      {query.isPending ? (
        <div className="empty">Loading runs…</div>
      ) : runs.length === 0 ? (
        <div className="empty">No succeeded runs{search || mesh ? " match" : " yet"}.</div>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th className="select" />
              <th>Name</th>
              <th>Mesh</th>
              <th className="num">p50</th>
              <th className="num">p99</th>
              <th className="num">Throughput</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const checked = selected.includes(run.id);
              return (
                <tr key={run.id} data-run-id={run.id} className={checked ? "selected" : undefined}>
                  <td className="select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${run.name}`}
                      checked={checked}
                      disabled={!checked && selected.length >= MAX_COMPARE_RUNS}
                      onChange={() => toggle(run.id)}
                    />
                  </td>
                  <td>
                    <Link href={`/runs/${run.id}`}>{run.name}</Link>{" "}
                    {run.isProfileBaseline && <span className="badge baseline">baseline</span>}
                  </td>
                  <td>{run.mesh}</td>
                  <td className="num">{formatLatencyUs(run.p50Us)}</td>
                  <td className="num">{formatLatencyUs(run.p99Us)}</td>
                  <td className="num">{formatRate(run.actualQps)}</td>
                  <td className="muted">{formatDate(run.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <LoadMore query={query} />
    </div>
  );
}
