"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

interface Props {
  /** Completions per second, one array per repetition. */
  series: number[][];
  requestedQps: number | null;
  /** What to say when there is no series (default: none yet). */
  emptyMessage?: string;
}

const COLORS = ["var(--accent)", "var(--accent-2)", "var(--ok)", "var(--warn)", "#a371f7", "#39c5cf"];

export function ThroughputChart({ series, requestedQps, emptyMessage = "No throughput data yet." }: Props) {
  const length = Math.max(0, ...series.map((s) => s.length));
  if (length === 0) return <div className="empty">{emptyMessage}</div>;
  const data = Array.from({ length }, (_, second) => {
    const row: Record<string, number | undefined> = { second: second + 1 };
    series.forEach((s, i) => {
      row[`rep${i + 1}`] = s[second];
    });
    return row;
  });
  return (
    <div data-testid="throughput-chart" style={{ width: "100%", height: 280 }}>
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="second"
            stroke="var(--muted)"
            label={{ value: "second of measured window", position: "insideBottom", offset: -12, fill: "var(--muted)" }}
          />
          <YAxis stroke="var(--muted)" width={70} tickFormatter={(v: number) => `${v}/s`} />
          <Tooltip contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }} />
          <Legend verticalAlign="top" height={24} />
          {requestedQps !== null && (
            <ReferenceLine
              y={requestedQps}
              stroke="var(--muted)"
              strokeDasharray="6 4"
              label={{ value: "target", fill: "var(--muted)", position: "insideTopRight" }}
            />
          )}
          {series.map((_, i) => (
            <Line
              // biome-ignore lint/suspicious/noArrayIndexKey: repetitions are numbered by position and never reorder
              key={i}
              dataKey={`rep${i + 1}`}
              name={`repetition ${i + 1}`}
              stroke={COLORS[i % COLORS.length]}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
