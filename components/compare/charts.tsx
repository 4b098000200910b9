"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ComparedRun, Comparison } from "~/core/compare";
import { formatLatencyCi, formatRateCi, PERCENTILE_LABELS } from "~/core/format/compare";
import { componentColors, runColor } from "~/core/format/palette";
import { formatLatencyUs, formatRate } from "~/core/format/units";
import type { KeyPercentile } from "~/core/verdict";

const TOOLTIP_STYLE = { background: "var(--panel)", border: "1px solid var(--border)", color: "var(--text)" };
const NINES_LABELS = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];

function short(name: string, max = 22): string {
  return name.length <= max ? name : `${name.slice(0, max - 1)}…`;
}

export function RunLegend({ runs }: { runs: ComparedRun[] }) {
  return (
    <div className="legend">
      {runs.map((r, i) => (
        <span key={r.id}>
          <span className="swatch" style={{ background: runColor(i) }} />
          {r.name}
        </span>
      ))}
    </div>
  );
}

/** Every run's latency by percentile on one "nines" axis (-log10(1 - p)), like the run page's chart. */
export function SpectrumOverlayChart({ runs }: { runs: ComparedRun[] }) {
  const series = runs.map((r, i) => ({
    run: r,
    color: runColor(i),
    data: r.spectrum.map((p) => ({ nines: Math.log10(p.inverseTail), latencyMs: p.valueUs / 1000, percentile: p.percentile })),
  }));
  const maxNines = Math.max(1, Math.ceil(Math.max(0, ...series.flatMap((s) => s.data.map((d) => d.nines)))));
  return (
    <div data-testid="compare-spectrum" style={{ width: "100%", height: 320 }}>
      <ResponsiveContainer>
        <LineChart margin={{ top: 8, right: 24, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="nines"
            type="number"
            domain={[0, maxNines]}
            ticks={NINES_LABELS.map((_, i) => i).filter((t) => t <= maxNines)}
            tickFormatter={(v: number) => NINES_LABELS[v] ?? ""}
            stroke="var(--muted)"
            allowDuplicatedCategory={false}
            label={{ value: "percentile", position: "insideBottom", offset: -12, fill: "var(--muted)" }}
          />
          <YAxis
            stroke="var(--muted)"
            width={70}
            tickFormatter={(v: number) => `${v} ms`}
            label={{ value: "latency", angle: -90, position: "insideLeft", fill: "var(--muted)" }}
          />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            labelFormatter={(_, payload) => `p${Number(payload[0]?.payload.percentile ?? 0).toPrecision(5)}`}
            formatter={(v, name) => [formatLatencyUs(Number(v) * 1000), name]}
          />
          <Legend verticalAlign="top" height={28} />
          {series.map((s) => (
            <Line
              key={s.run.id}
              data={s.data}
              dataKey="latencyMs"
              name={s.run.name}
              stroke={s.color}
              strokeWidth={2}
              dot={false}
              type="monotone"
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One panel per percentile, each on its own scale, bars with 95% CI whiskers. */
export function PercentileBarsChart({ runs }: { runs: ComparedRun[] }) {
  const keys: KeyPercentile[] = ["p50", "p99", "p999"];
  const height = 60 + runs.length * 34;
  return (
    <div className="panels-3" data-testid="compare-percentiles">
      {keys.map((key) => {
        const data = runs.map((r, i) => {
          const e = r.latency[key];
          const value = e.value === null ? null : e.value / 1000;
          return {
            name: short(r.name),
            value,
            color: runColor(i),
            ci: e.ci,
            err: value !== null && e.ci ? [Math.max(0, value - e.ci.lo / 1000), Math.max(0, e.ci.hi / 1000 - value)] : [0, 0],
          };
        });
        return (
          <div key={key}>
            <div className="muted small" style={{ textAlign: "center" }}>
              {PERCENTILE_LABELS[key]} (ms)
            </div>
            <div style={{ width: "100%", height }}>
              <ResponsiveContainer>
                <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 4 }}>
                  <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" stroke="var(--muted)" domain={[0, "auto"]} />
                  <YAxis
                    type="category"
                    dataKey="name"
                    stroke="var(--muted)"
                    width={key === "p50" ? 120 : 0}
                    hide={key !== "p50"}
                  />
                  <Tooltip
                    contentStyle={TOOLTIP_STYLE}
                    cursor={{ fill: "var(--panel-2)" }}
                    formatter={(_v, _n, item) => [
                      `${formatLatencyUs((item.payload.value ?? Number.NaN) * 1000)} (95% CI ${formatLatencyCi(item.payload.ci)})`,
                      PERCENTILE_LABELS[key],
                    ]}
                  />
                  <Bar dataKey="value" isAnimationActive={false} barSize={16}>
                    {data.map((d) => (
                      <Cell key={d.name + d.color} fill={d.color} />
                    ))}
                    <ErrorBar
                      dataKey="err"
                      width={8}
                      strokeWidth={2}
                      stroke="var(--text)"
                      direction="x"
                      isAnimationActive={false}
                    />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** Achieved (with 95% CI) next to requested, per run. */
export function ThroughputCompareChart({ runs }: { runs: ComparedRun[] }) {
  const data = runs.map((r, i) => {
    const v = r.throughput.value;
    const ci = r.throughput.ci;
    return {
      name: short(r.name),
      requested: r.requestedQps,
      achieved: v,
      color: runColor(i),
      ci,
      err: v !== null && ci ? [Math.max(0, v - ci.lo), Math.max(0, ci.hi - v)] : [0, 0],
    };
  });
  return (
    <div data-testid="compare-throughput" style={{ width: "100%", height: 70 + runs.length * 46 }}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" stroke="var(--muted)" tickFormatter={(v: number) => `${v}/s`} />
          <YAxis type="category" dataKey="name" stroke="var(--muted)" width={120} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fill: "var(--panel-2)" }}
            formatter={(v, name, item) =>
              name === "achieved"
                ? [`${formatRate(Number(v))} (95% CI ${formatRateCi(item.payload.ci)})`, "achieved"]
                : [v === null ? "max throughput" : formatRate(Number(v)), "requested"]
            }
          />
          <Legend verticalAlign="top" height={24} />
          <Bar
            dataKey="requested"
            name="requested"
            fill="var(--panel-2)"
            stroke="var(--muted)"
            isAnimationActive={false}
            barSize={12}
          />
          <Bar dataKey="achieved" name="achieved" isAnimationActive={false} barSize={12} fill="var(--accent)">
            {data.map((d) => (
              <Cell key={d.name + d.color} fill={d.color} />
            ))}
            <ErrorBar dataKey="err" width={6} strokeWidth={2} stroke="var(--text)" direction="x" isAnimationActive={false} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** One stacked bar per run, a segment per component: what the proxies cost next to the app and the load generator. */
export function ResourceCompareChart({
  comparison,
  metric,
  testId,
}: {
  comparison: Comparison;
  metric: "cpu" | "memory";
  testId: string;
}) {
  const colors = componentColors(comparison.components);
  const data = comparison.runs.map((r) => {
    const row: Record<string, string | number | null> = { name: short(r.name) };
    for (const u of r.resources) {
      const value = metric === "cpu" ? u.cpuCores : u.maxRssBytes === null ? null : u.maxRssBytes / 1024 / 1024;
      row[u.component] = value === null ? null : Number(value.toPrecision(4));
    }
    return row;
  });
  const unit = metric === "cpu" ? "cores" : "MiB";
  return (
    <div data-testid={testId} style={{ width: "100%", height: 90 + comparison.runs.length * 40 }}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" stroke="var(--muted)" tickFormatter={(v: number) => `${v} ${unit}`} />
          <YAxis type="category" dataKey="name" stroke="var(--muted)" width={120} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            cursor={{ fill: "var(--panel-2)" }}
            formatter={(v, name) => [v === null || v === undefined ? "not measured" : `${v} ${unit}`, name]}
          />
          <Legend verticalAlign="top" height={28} />
          {comparison.components.map((c) => (
            <Bar
              key={c.component}
              dataKey={c.component}
              name={`${c.component} (${c.role})`}
              stackId="components"
              fill={colors.get(c.component) ?? "var(--accent)"}
              isAnimationActive={false}
              barSize={18}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A probe's run-total histogram per run, same buckets, as shares of events. */
export function ProbeHistogramChart({
  buckets,
  color,
  unit,
}: {
  buckets: { min: number | null; max: number | null; count: number }[];
  color: string;
  unit: string;
}) {
  const total = buckets.reduce((a, b) => a + b.count, 0);
  const data = buckets.map((b) => ({
    bucket: b.min === null ? `<${b.max ?? ""}` : `${b.min}`,
    share: total > 0 ? (b.count / total) * 100 : 0,
    count: b.count,
  }));
  return (
    <div style={{ width: "100%", height: 160 }}>
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 16, left: 0 }}>
          <XAxis dataKey="bucket" stroke="var(--muted)" fontSize={10} interval="preserveStartEnd" />
          <YAxis stroke="var(--muted)" width={36} tickFormatter={(v: number) => `${v}%`} fontSize={10} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            formatter={(v, _n, item) => [
              `${Number(v).toFixed(1)}% (${item.payload.count} events)`,
              `from ${item.payload.bucket} ${unit}`,
            ]}
          />
          <Bar dataKey="share" fill={color} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
