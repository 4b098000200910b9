"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatLatencyUs } from "~/core/format/units";
import type { SpectrumPoint } from "~/core/histogram";

const TICK_LABELS = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];
const TICKS = TICK_LABELS.map((_, nines) => nines);
const tickLabel = (nines: number) => TICK_LABELS[nines] ?? "";

/** Latency by percentile on a "nines" axis (-log10(1-p)), the way HdrHistogram plots are read. */
export function LatencySpectrumChart({ points }: { points: SpectrumPoint[] }) {
  if (points.length === 0) return <div className="empty">No latency data yet.</div>;
  const data = points.map((p) => ({ ...p, nines: Math.log10(p.inverseTail), latencyMs: p.valueUs / 1000 }));
  const maxNines = Math.ceil(Math.max(...data.map((p) => p.nines)));
  return (
    <div data-testid="latency-chart" style={{ width: "100%", height: 280 }}>
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="nines"
            type="number"
            domain={[0, maxNines]}
            ticks={TICKS.filter((t) => t <= maxNines)}
            tickFormatter={tickLabel}
            stroke="var(--muted)"
            label={{ value: "percentile", position: "insideBottom", offset: -12, fill: "var(--muted)" }}
          />
          <YAxis
            stroke="var(--muted)"
            tickFormatter={(v: number) => `${v} ms`}
            width={70}
            label={{ value: "latency", angle: -90, position: "insideLeft", fill: "var(--muted)" }}
          />
          <Tooltip
            contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }}
            labelFormatter={(_, payload) => `p${Number(payload[0]?.payload.percentile ?? 0).toPrecision(5)}`}
            formatter={(_v, _n, item) => [formatLatencyUs(item.payload.valueUs), "latency"]}
          />
          <Line
            type="monotone"
            dataKey="latencyMs"
            stroke="var(--accent)"
            strokeWidth={2}
            dot={data.length <= 20 ? { r: 3 } : false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
