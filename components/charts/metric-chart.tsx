"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartSeries, MetricUnit } from "~/core/metric-series";

const COLORS = ["var(--accent)", "var(--accent-2)", "var(--ok)", "var(--warn)", "#a371f7", "#39c5cf", "#db61a2"];

/** Display unit per metric unit: latency in ms, memory in MiB. */
const DISPLAY: Record<MetricUnit, { label: string; scale: number; digits: number }> = {
  seconds: { label: "ms", scale: 1000, digits: 2 },
  "requests/s": { label: "req/s", scale: 1, digits: 0 },
  "errors/s": { label: "err/s", scale: 1, digits: 1 },
  cores: { label: "cores", scale: 1, digits: 2 },
  bytes: { label: "MiB", scale: 1 / 1024 / 1024, digits: 1 },
  "per-second": { label: "per s", scale: 1, digits: 0 },
  microseconds: { label: "µs", scale: 1, digits: 0 },
};

interface Props {
  title: string;
  unit: MetricUnit;
  series: ChartSeries[];
  /** Unix seconds the x axis counts from (the run's start). */
  originSeconds: number;
  testId?: string;
  /** Shown instead of the chart when there is no sample (default: "No samples yet."). */
  emptyMessage?: string;
}

export function MetricChart({ title, unit, series, originSeconds, testId, emptyMessage = "No samples yet." }: Props) {
  const display = DISPLAY[unit];
  const rows = new Map<number, Record<string, number>>();
  for (const s of series) {
    for (const [t, v] of s.points) {
      if (v === null) continue; // a gap stays a gap: missing is not zero
      const x = t - originSeconds;
      const row = rows.get(x) ?? { t: x };
      row[s.name] = v * display.scale;
      rows.set(x, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  return (
    <div className="panel" data-testid={testId} data-points={data.length}>
      <h2>
        {title} <span className="muted">({display.label})</span>
      </h2>
      {data.length === 0 ? (
        <div className="empty">{emptyMessage}</div>
      ) : (
        <div style={{ width: "100%", height: 220 }}>
          <ResponsiveContainer>
            <LineChart data={data} margin={{ top: 4, right: 12, bottom: 16, left: 4 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              <XAxis
                dataKey="t"
                type="number"
                domain={["dataMin", "dataMax"]}
                stroke="var(--muted)"
                tickFormatter={(v: number) => `${v}s`}
                label={{ value: "seconds since start", position: "insideBottom", offset: -8, fill: "var(--muted)" }}
              />
              <YAxis stroke="var(--muted)" width={60} tickFormatter={(v: number) => v.toFixed(display.digits)} />
              <Tooltip
                contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
                labelFormatter={(v) => `${v} s`}
                formatter={(v) => `${Number(v).toFixed(display.digits)} ${display.label}`}
              />
              <Legend verticalAlign="top" height={24} />
              {series.map((s, i) => (
                <Line
                  key={s.name}
                  dataKey={s.name}
                  name={s.name}
                  stroke={COLORS[i % COLORS.length]}
                  dot={false}
                  strokeWidth={2}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}
