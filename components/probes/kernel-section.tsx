"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { RunSpec } from "~/core/spec";
import { useTRPC } from "~/trpc/react";
import { ProbeOverheadNote } from "./probe-overhead";
import { ProbeResultCard, type StoredProbeResult } from "./probe-result-card";

/** The run's eBPF probe results, one card per probe; refreshed while the run is in progress. */
interface Props {
  runId: string;
  name: string;
  spec: RunSpec | null;
  active: boolean;
  canOperate: boolean;
}

export function KernelSection({ runId, name, spec, active, canOperate }: Props) {
  const probes = spec?.probes ?? [];
  const trpc = useTRPC();
  const query = useQuery(
    trpc.probes.forRun.queryOptions({ runId }, { enabled: probes.length > 0, refetchInterval: active ? 3_000 : false }),
  );
  const { refetch } = query;
  // The last repetition's results are stored just before the run ends, after the last poll:
  // fetch once more when it ends, or the page would say "no result" for results that exist.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) void refetch();
    wasActive.current = active;
  }, [active, refetch]);
  if (probes.length === 0) return null;
  const byProbe = new Map<string, StoredProbeResult[]>(probes.map((p) => [p, []]));
  for (const r of query.data ?? []) byProbe.get(r.probe)?.push(r);
  return (
    <section data-testid="kernel-section">
      <div className="toolbar">
        <h2 style={{ margin: 0 }}>Kernel (eBPF probes)</h2>
        <span className="muted">per repetition; live values are in the charts above while the run executes</span>
      </div>
      {query.isError && <div className="form-error">Could not load probe results: {query.error.message}</div>}
      {spec && !active && <ProbeOverheadNote runId={runId} name={name} spec={spec} canOperate={canOperate} />}
      {[...byProbe].map(([probe, results]) =>
        results.length === 0 ? (
          <div className="panel" key={probe}>
            <h2>{probe}</h2>
            <div className="empty">
              {active ? "Results appear after each repetition." : "No result was stored for this probe."}
            </div>
          </div>
        ) : (
          <ProbeResultCard key={probe} probe={probe} results={results} />
        ),
      )}
    </section>
  );
}
