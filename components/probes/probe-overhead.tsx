"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { formatLatencyUs, MISSING } from "~/core/format/units";
import type { RunSpec } from "~/core/spec";
import { useTRPC } from "~/trpc/react";

const pct = (withP: number | null, without: number | null) =>
  withP === null || without === null || without === 0
    ? MISSING
    : `${withP >= without ? "+" : ""}${(((withP - without) / without) * 100).toFixed(1)}%`;

/** What the probes cost this run, against the same spec run without probes (which an operator or admin can start from here). */
export function ProbeOverheadNote({
  runId,
  name,
  spec,
  canOperate,
}: {
  runId: string;
  name: string;
  spec: RunSpec;
  canOperate: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const query = useQuery(trpc.probes.overhead.queryOptions({ runId }));
  const create = useMutation(trpc.runs.create.mutationOptions({ onSuccess: ({ id }) => router.push(`/runs/${id}`) }));
  const o = query.data;
  if (!o) return null;
  if (!o.reference || !o.withoutProbes) {
    return (
      <div className="notice" data-testid="probe-overhead">
        No run of the same spec without probes yet, so the probes&apos; own cost is not measured.{" "}
        {canOperate && (
          <button
            type="button"
            className="btn"
            disabled={create.isPending}
            onClick={() => create.mutate({ name: `${name} (no probes)`, spec: { ...spec, probes: [] } })}
          >
            Run it without probes
          </button>
        )}
      </div>
    );
  }
  const w = o.withProbes;
  const wo = o.withoutProbes;
  return (
    <div className="panel" data-testid="probe-overhead">
      <h2>Probe overhead</h2>
      <p style={{ margin: 0 }}>
        Against <Link href={`/runs/${o.reference.id}`}>{o.reference.name}</Link> (same spec, no probes): p50{" "}
        {formatLatencyUs(wo.p50Us)} → {formatLatencyUs(w.p50Us)} (<b>{pct(w.p50Us, wo.p50Us)}</b>), p99{" "}
        {formatLatencyUs(wo.p99Us)} → {formatLatencyUs(w.p99Us)} (<b>{pct(w.p99Us, wo.p99Us)}</b>), CPU of the run&apos;s
        processes {wo.cpuCores?.toFixed(2) ?? MISSING} → {w.cpuCores?.toFixed(2) ?? MISSING} cores. Two runs, so part of any
        difference is run-to-run noise: repeat both to be sure.
      </p>
    </div>
  );
}
