"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { HistBucket } from "~/core/parsers/bpftrace";

function bucketLabel(b: HistBucket, unit: string): string {
  if (b.min === null) return `< ${b.max ?? 0}`;
  if (b.max === null) return `≥ ${b.min}`;
  return b.min === b.max ? `${b.min}` : `${b.min}–${b.max} ${unit}`;
}

/** A bpftrace log2 (or linear) histogram as bars, one per bucket, empty edge buckets trimmed. */
export function ProbeHistogramChart({ buckets, unit }: { buckets: HistBucket[]; unit: string }) {
  const first = buckets.findIndex((b) => b.count > 0);
  const last = buckets.findLastIndex((b) => b.count > 0);
  if (first < 0) return <div className="empty">No events were recorded.</div>;
  const data = buckets.slice(first, last + 1).map((b) => ({ bucket: bucketLabel(b, unit), count: b.count }));
  return (
    <div style={{ width: "100%", height: 220 }} data-testid="probe-histogram">
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 4, right: 12, bottom: 40, left: 4 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="bucket" stroke="var(--muted)" angle={-30} textAnchor="end" interval={0} fontSize={11} />
          <YAxis
            stroke="var(--muted)"
            width={60}
            label={{ value: "events", angle: -90, position: "insideLeft", fill: "var(--muted)" }}
          />
          <Tooltip contentStyle={{ background: "var(--panel)", border: "1px solid var(--border)" }} />
          <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
