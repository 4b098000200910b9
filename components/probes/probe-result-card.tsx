"use client";

import { MetricChart } from "~/components/charts/metric-chart";
import { MISSING } from "~/core/format/units";
import { mergeLog2Buckets } from "~/core/parsers/bpftrace";
import {
  PROBES,
  type ProbeHistogram,
  type ProbeName,
  type ProbeOverhead,
  type ProbeRunData,
  type ProbeSeries,
} from "~/core/probes";
import { ProbeHistogramChart } from "./probe-histogram-chart";

/** A ProbeResult row as the probes router returns it. */
export interface StoredProbeResult {
  id: string;
  iteration: number | null;
  probe: string;
  node: string;
  available: boolean;
  reason: string | null;
  data: unknown;
  summary: unknown;
}

type StoredData = Partial<ProbeRunData> & { overhead?: ProbeOverhead; warnings?: string[]; complete?: boolean };

const formatFigure = (v: number | null | undefined, unit: string) =>
  v === null || v === undefined ? MISSING : `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${unit}`;

/** Per-second totals (labels {}) of every metric, as chart series. */
function totalSeries(series: ProbeSeries[], intervalStarts: number[]) {
  return series
    .filter((s) => s.stat === "rate" && Object.keys(s.labels).length === 0)
    .map((s) => ({
      name: `${s.metric} (${s.unit}/s)`,
      points: s.values.map((v, i): [number, number | null] => [intervalStarts[i] ?? i, v]),
    }));
}

/** One probe's results over a run's repetitions (or one standalone job): summary, per-second series, histogram. */
export function ProbeResultCard({ probe, results }: { probe: string; results: StoredProbeResult[] }) {
  const meta = PROBES[probe as ProbeName];
  const title = meta?.title ?? probe;
  const unavailable = results.filter((r) => !r.available);
  const measured = results.filter((r) => r.available);
  // Cluster runs probe the client's and the server's node: one result per node per repetition.
  const nodes = [...new Set(results.map((r) => r.node))];
  const perNode = nodes.length > 1;
  const first = measured[0]?.data as StoredData | undefined;
  const histograms = measured.flatMap((r) =>
    ((r.data as StoredData).histograms ?? []).filter((h) => Object.keys(h.labels).length === 0),
  );
  const byMetric = new Map<string, ProbeHistogram[]>();
  for (const h of histograms) byMetric.set(h.metric, [...(byMetric.get(h.metric) ?? []), h]);

  return (
    <div className="panel" data-testid={`probe-${probe}`}>
      <h2>
        {title} <span className="muted">({probe})</span>
      </h2>
      {meta && (
        <p className="muted" style={{ marginTop: 0 }}>
          {meta.description}
        </p>
      )}
      {unavailable.length > 0 && (
        <div className="notice" data-testid="probe-unavailable">
          {perNode
            ? [...new Map(unavailable.map((r) => [r.node, r.reason])).entries()].map(([node, reason]) => (
                <div key={node}>
                  unavailable on {node}: {reason}
                </div>
              ))
            : `unavailable: ${unavailable[0]?.reason}`}
        </div>
      )}
      {measured.length > 0 && meta && (
        <>
          <table className="data">
            <thead>
              <tr>
                <th>repetition</th>
                {perNode && <th>node</th>}
                {meta.summary.map((f) => (
                  <th key={f.key} className="num">
                    {f.label}
                  </th>
                ))}
                <th className="num">bpftrace CPU</th>
              </tr>
            </thead>
            <tbody>
              {measured.map((r) => {
                const summary = r.summary as Record<string, number | null>;
                const overhead = (r.data as StoredData).overhead;
                return (
                  <tr key={r.id}>
                    <td>{r.iteration ?? "—"}</td>
                    {perNode && <td>{r.node}</td>}
                    {meta.summary.map((f) => (
                      <td key={f.key} className="num">
                        {formatFigure(summary[f.key], f.unit)}
                      </td>
                    ))}
                    <td className="num">{formatFigure(overhead?.bpftraceCpuPercent, "%")}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {first?.series && first.intervals && (
            <MetricChart
              title={`Per second${measured.length > 1 ? ` (repetition ${measured[0]?.iteration ?? 1}${perNode ? `, ${measured[0]?.node}` : ""})` : ""}`}
              unit="per-second"
              originSeconds={0}
              series={totalSeries(
                first.series,
                first.intervals.map((i) => i.startS),
              )}
            />
          )}
          {[...byMetric].map(([metric, list]) => (
            <div key={metric}>
              <h2>
                {metric} histogram{" "}
                <span className="muted">
                  ({list[0]?.unit}, all repetitions{perNode ? ` on ${nodes.length} nodes` : ""})
                </span>
              </h2>
              <ProbeHistogramChart buckets={mergeLog2Buckets(...list.map((h) => h.buckets))} unit={list[0]?.unit ?? ""} />
            </div>
          ))}
          <p className="muted" style={{ fontSize: 12 }}>
            {meta.scopeNote} {perNode ? "Nodes" : "Host"}: {nodes.join(", ")}.{" "}
            {(first?.warnings ?? []).length > 0 && `Warnings: ${(first?.warnings ?? []).join("; ")}`}
          </p>
        </>
      )}
    </div>
  );
}
