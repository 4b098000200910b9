import { formatLatencyUs } from "~/core/format/units";
import type { SpectrumPoint } from "~/core/histogram";
import type { HistBucket } from "~/core/parsers/bpftrace";
import type { Estimate } from "~/core/stats";
import type { KeyPercentile } from "~/core/verdict";
import { html, n, type Part, type SafeHtml } from "./html-template";

/**
 * Charts as inline SVG, drawn on the server: a report must open offline and print the same
 * everywhere, so it cannot depend on a browser running chart code. Plain shapes and text only
 * (text stays selectable and searchable in the PDF). No xmlns URL: inline SVG in HTML needs none.
 */

const WIDTH = 720;
const LABEL_COLUMN = 150;
const AXIS = "#444";
const GRID = "#d9d9d9";
const TEXT = "#222";
const MUTED = "#666";
const FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif";

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** 1-2-2.5-5 steps from 0 to at least max, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function tickText(v: number): string {
  if (v === 0) return "0";
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return Number(v.toFixed(1)).toString();
  return Number(v.toPrecision(3)).toString();
}

function svg(width: number, height: number, label: string, body: Part): SafeHtml {
  return html`<svg class="chart" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="${FONT}" font-size="11">${body}</svg>`;
}

interface LegendItem {
  name: string;
  color: string;
}

/** Swatches with names, wrapped into rows; returns the markup and its height. */
function legend(items: LegendItem[], x0: number, y0: number, width: number): { markup: SafeHtml; height: number } {
  const parts: SafeHtml[] = [];
  let x = x0;
  let y = y0;
  for (const item of items) {
    const label = truncate(item.name, 32);
    const w = 18 + label.length * 6.4 + 14;
    if (x + w > x0 + width && x > x0) {
      x = x0;
      y += 16;
    }
    parts.push(
      html`<rect x="${n(x)}" y="${n(y - 9)}" width="12" height="10" rx="2" fill="${item.color}"/><text x="${n(x + 16)}" y="${n(y)}" fill="${TEXT}">${label}</text>`,
    );
    x += w;
  }
  return { markup: html`${parts}`, height: y - y0 + 16 };
}

// ---------------------------------------------------------------------------------------------

const NINES_LABELS = ["0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];

export interface SpectrumSeries {
  name: string;
  color: string;
  points: SpectrumPoint[];
}

/** Latency by percentile, overlaid, on the "nines" axis -log10(1 - p) HdrHistogram plots use. */
export function spectrumChart(series: SpectrumSeries[]): SafeHtml {
  const withData = series.filter((s) => s.points.length > 0);
  const top = legend(series, 64, 14, WIDTH - 80);
  const margin = { left: 64, right: 16, top: top.height + 16, bottom: 42 };
  const height = 300 + top.height;
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const nines = (p: SpectrumPoint) => Math.log10(p.inverseTail);
  const maxNines = Math.max(1, Math.ceil(Math.max(0, ...withData.flatMap((s) => s.points.map(nines)))));
  const maxMs = Math.max(0, ...withData.flatMap((s) => s.points.map((p) => p.valueUs / 1000)));
  const yTicks = niceTicks(maxMs, 5);
  const yMax = yTicks.at(-1) ?? 1;
  const x = (v: number) => margin.left + (v / maxNines) * plotW;
  const y = (ms: number) => margin.top + plotH - (ms / yMax) * plotH;
  const grid = [
    ...yTicks.map(
      (t) =>
        html`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${GRID}"/><text x="${margin.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" fill="${MUTED}">${tickText(t)}</text>`,
    ),
    ...Array.from({ length: maxNines + 1 }, (_, i) => i).map(
      (i) =>
        html`<line x1="${n(x(i))}" x2="${n(x(i))}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="${GRID}"/><text x="${n(x(i))}" y="${margin.top + plotH + 16}" text-anchor="${i === maxNines ? "end" : i === 0 ? "start" : "middle"}" fill="${MUTED}">${NINES_LABELS[i] ?? ""}</text>`,
    ),
  ];
  const lines = withData.map((s) => {
    const d = s.points.map((p, i) => `${i === 0 ? "M" : "L"}${n(x(nines(p)))},${n(y(p.valueUs / 1000))}`).join("");
    return html`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>`;
  });
  const axes = html`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="${AXIS}"/>
<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="${AXIS}"/>
<text x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="${MUTED}">percentile</text>
<text transform="translate(14 ${n(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="${MUTED}">latency (ms)</text>`;
  return svg(WIDTH, height, "Latency by percentile", [top.markup, grid, lines, axes]);
}

// ---------------------------------------------------------------------------------------------

export interface BarRow {
  name: string;
  color: string;
}

function rowLabels(rows: BarRow[], top: number, rowH: number): SafeHtml {
  return html`${rows.map(
    (r, i) =>
      html`<rect x="4" y="${n(top + i * rowH + rowH / 2 - 5)}" width="10" height="10" rx="2" fill="${r.color}"/><text x="18" y="${n(top + i * rowH + rowH / 2 + 4)}" fill="${TEXT}">${truncate(r.name, 21)}</text>`,
  )}`;
}

/** A horizontal bar from 0 to value with an interval whisker; returns the markup. */
function barWithWhisker(
  x: (v: number) => number,
  yMid: number,
  barH: number,
  value: number | null,
  ci: { lo: number; hi: number } | null,
  color: string,
): SafeHtml {
  if (value === null) return html`<text x="${n(x(0) + 4)}" y="${n(yMid + 4)}" fill="${MUTED}">not measured</text>`;
  const bar = html`<rect x="${n(x(0))}" y="${n(yMid - barH / 2)}" width="${n(Math.max(1, x(value) - x(0)))}" height="${barH}" fill="${color}" fill-opacity="0.85"/>`;
  if (!ci) return bar;
  const lo = x(Math.max(0, ci.lo));
  const hi = x(ci.hi);
  return html`${bar}<g stroke="${TEXT}" stroke-width="1.5"><line x1="${n(lo)}" x2="${n(hi)}" y1="${n(yMid)}" y2="${n(yMid)}"/><line x1="${n(lo)}" x2="${n(lo)}" y1="${n(yMid - 5)}" y2="${n(yMid + 5)}"/><line x1="${n(hi)}" x2="${n(hi)}" y1="${n(yMid - 5)}" y2="${n(yMid + 5)}"/></g>`;
}

export interface PercentileBarRow extends BarRow {
  latency: Record<KeyPercentile, Estimate>;
}

/** p50 / p99 / p99.9 side by side, each on its own scale (a tail ten times the median would flatten it), with 95% whiskers. */
export function percentileBarsChart(rows: PercentileBarRow[]): SafeHtml {
  const keys: [KeyPercentile, string][] = [
    ["p50", "p50"],
    ["p99", "p99"],
    ["p999", "p99.9"],
  ];
  const rowH = 26;
  const top = 26;
  const gap = 30;
  const panelW = (WIDTH - LABEL_COLUMN - gap * 2 - 12) / 3;
  const height = top + rows.length * rowH + 34;
  const panels = keys.map(([key, label], k) => {
    const x0 = LABEL_COLUMN + k * (panelW + gap);
    const max = Math.max(0, ...rows.flatMap((r) => [r.latency[key].value ?? 0, r.latency[key].ci?.hi ?? 0])) / 1000;
    const ticks = niceTicks(max, 3);
    const xMax = ticks.at(-1) ?? 1;
    const x = (us: number) => x0 + (us / 1000 / xMax) * panelW;
    const bottom = top + rows.length * rowH;
    return html`<text x="${n(x0 + panelW / 2)}" y="14" text-anchor="middle" font-weight="bold" fill="${TEXT}">${label} (ms)</text>
${ticks.map(
  (t, j) =>
    html`<line x1="${n(x(t * 1000))}" x2="${n(x(t * 1000))}" y1="${top}" y2="${bottom}" stroke="${GRID}"/><text x="${n(x(t * 1000))}" y="${bottom + 14}" text-anchor="${j === 0 ? "start" : j === ticks.length - 1 ? "end" : "middle"}" fill="${MUTED}">${tickText(t)}</text>`,
)}
<line x1="${n(x0)}" x2="${n(x0)}" y1="${top}" y2="${bottom}" stroke="${AXIS}"/>
${rows.map((r, i) => barWithWhisker(x, top + i * rowH + rowH / 2, 14, r.latency[key].value, r.latency[key].ci, r.color))}`;
  });
  return svg(WIDTH, height, "p50, p99 and p99.9 with 95% confidence intervals", [
    rowLabels(rows, top, rowH),
    panels,
    html`<text x="${WIDTH - 4}" y="${height - 4}" text-anchor="end" fill="${MUTED}">whiskers: each run's own 95% interval</text>`,
  ]);
}

export interface ThroughputRow extends BarRow {
  requested: number | null;
  achieved: Estimate;
}

/** Achieved rate (filled, with interval) over the requested rate (dashed outline). */
export function throughputChart(rows: ThroughputRow[]): SafeHtml {
  const rowH = 30;
  const top = 10;
  const plotW = WIDTH - LABEL_COLUMN - 110;
  const max = Math.max(0, ...rows.flatMap((r) => [r.requested ?? 0, r.achieved.value ?? 0, r.achieved.ci?.hi ?? 0]));
  const ticks = niceTicks(max, 5);
  const xMax = ticks.at(-1) ?? 1;
  const x = (v: number) => LABEL_COLUMN + (v / xMax) * plotW;
  const bottom = top + rows.length * rowH;
  const height = bottom + 34;
  const body = rows.map((r, i) => {
    const mid = top + i * rowH + rowH / 2;
    const requested =
      r.requested === null
        ? html``
        : html`<line x1="${n(x(r.requested))}" x2="${n(x(r.requested))}" y1="${n(mid - 11)}" y2="${n(mid + 11)}" stroke="${TEXT}" stroke-width="2" stroke-dasharray="3 2"/>`;
    const label =
      r.achieved.value === null
        ? "—"
        : `${r.achieved.value.toFixed(r.achieved.value >= 100 ? 0 : 1)}${r.requested === null ? " rps (max)" : ` of ${r.requested} rps`}`;
    return html`${requested}${barWithWhisker(x, mid, 10, r.achieved.value, r.achieved.ci, r.color)}<text x="${n(LABEL_COLUMN + plotW + 8)}" y="${n(mid + 4)}" fill="${TEXT}">${label}</text>`;
  });
  return svg(WIDTH, height, "Throughput achieved vs requested", [
    rowLabels(rows, top, rowH),
    ticks.map(
      (t) =>
        html`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${top}" y2="${bottom}" stroke="${GRID}"/><text x="${n(x(t))}" y="${bottom + 14}" text-anchor="middle" fill="${MUTED}">${tickText(t)}</text>`,
    ),
    html`<line x1="${LABEL_COLUMN}" x2="${LABEL_COLUMN}" y1="${top}" y2="${bottom}" stroke="${AXIS}"/>`,
    body,
    html`<text x="${LABEL_COLUMN + plotW / 2}" y="${height - 4}" text-anchor="middle" fill="${MUTED}">requests per second (bar: achieved, whisker: 95% interval, dashed mark: requested)</text>`,
  ]);
}

export interface StackedRow extends BarRow {
  /** Components in the run's path; value null when it was not measured. */
  segments: { component: string; value: number | null }[];
}

/** One stacked bar per run, a segment per component (what the proxies cost next to the app and the load generator). */
export function stackedBarsChart(
  rows: StackedRow[],
  components: { component: string; color: string }[],
  options: { title: string; unit: string; scale?: number },
): SafeHtml {
  const scale = options.scale ?? 1;
  const key = legend(
    components.map((c) => ({ name: c.component, color: c.color })),
    LABEL_COLUMN,
    32,
    WIDTH - LABEL_COLUMN - 10,
  );
  const top = 32 + key.height;
  const rowH = 26;
  const plotW = WIDTH - LABEL_COLUMN - 70;
  const totals = rows.map((r) => r.segments.reduce((a, s) => a + (s.value ?? 0), 0) * scale);
  const ticks = niceTicks(Math.max(0, ...totals), 5);
  const xMax = ticks.at(-1) ?? 1;
  const x = (v: number) => LABEL_COLUMN + (v / xMax) * plotW;
  const bottom = top + rows.length * rowH;
  const height = bottom + 30;
  const colorOf = new Map(components.map((c) => [c.component, c.color]));
  const bars = rows.map((r, i) => {
    const mid = top + i * rowH + rowH / 2;
    let acc = 0;
    const segs = r.segments.map((s) => {
      if (s.value === null) return html``;
      const from = acc;
      acc += s.value * scale;
      return html`<rect x="${n(x(from))}" y="${n(mid - 8)}" width="${n(Math.max(0.5, x(acc) - x(from)))}" height="16" fill="${colorOf.get(s.component) ?? MUTED}"><title>${s.component}</title></rect>`;
    });
    const missing = r.segments.some((s) => s.value === null);
    return html`${segs}<text x="${n(x(acc) + 6)}" y="${n(mid + 4)}" fill="${TEXT}">${tickText(acc)}${missing ? " *" : ""}</text>`;
  });
  return svg(WIDTH, height, options.title, [
    html`<text x="4" y="16" font-weight="bold" fill="${TEXT}">${options.title} (${options.unit})</text>`,
    key.markup,
    rowLabels(rows, top, rowH),
    ticks.map(
      (t) =>
        html`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${top}" y2="${bottom}" stroke="${GRID}"/><text x="${n(x(t))}" y="${bottom + 14}" text-anchor="middle" fill="${MUTED}">${tickText(t)}</text>`,
    ),
    html`<line x1="${LABEL_COLUMN}" x2="${LABEL_COLUMN}" y1="${top}" y2="${bottom}" stroke="${AXIS}"/>`,
    bars,
  ]);
}

// ---------------------------------------------------------------------------------------------

export interface ProbeHistogramPanel {
  name: string;
  color: string;
  buckets: HistBucket[];
  count: number;
}

function bucketKey(b: HistBucket): string {
  return `${b.min ?? "-inf"}:${b.max ?? "inf"}`;
}

function bucketLabel(b: HistBucket, unit: string): string {
  const v = b.min ?? b.max ?? 0;
  const text = unit === "µs" ? formatLatencyUs(v) : `${tickText(v)}${unit ? ` ${unit}` : ""}`;
  return b.min === null ? `<${text}` : text;
}

/** Small multiples: one histogram per run on the same buckets and scale (share of events per bucket). */
export function probeHistogramsChart(panels: ProbeHistogramPanel[], unit: string, label: string): SafeHtml {
  const keys = new Map<string, HistBucket>();
  for (const p of panels) for (const b of p.buckets) keys.set(bucketKey(b), b);
  const buckets = [...keys.values()].sort((a, b) => (a.min ?? Number.NEGATIVE_INFINITY) - (b.min ?? Number.NEGATIVE_INFINITY));
  const perRow = Math.min(4, Math.max(1, panels.length));
  const gap = 14;
  const panelW = (WIDTH - gap * (perRow - 1)) / perRow;
  const panelH = 150;
  const rowsNeeded = Math.ceil(panels.length / perRow);
  const height = rowsNeeded * (panelH + gap) + 10;
  const share = (p: ProbeHistogramPanel, key: string) => {
    const b = p.buckets.find((x) => bucketKey(x) === key);
    const total = p.buckets.reduce((a, x) => a + x.count, 0);
    return b && total > 0 ? b.count / total : 0;
  };
  const maxShare = Math.max(0.01, ...panels.flatMap((p) => buckets.map((b) => share(p, bucketKey(b)))));
  const markup = panels.map((p, i) => {
    const x0 = (i % perRow) * (panelW + gap);
    const y0 = Math.floor(i / perRow) * (panelH + gap);
    const plotTop = y0 + 20;
    const plotH = panelH - 48;
    const barW = buckets.length > 0 ? panelW / buckets.length : panelW;
    const bars = buckets.map((b, j) => {
      const s = share(p, bucketKey(b));
      const h = (s / maxShare) * plotH;
      return html`<rect x="${n(x0 + j * barW + 0.5)}" y="${n(plotTop + plotH - h)}" width="${n(Math.max(0.5, barW - 1))}" height="${n(h)}" fill="${p.color}"/>`;
    });
    const first = buckets[0];
    const last = buckets.at(-1);
    return html`<text x="${n(x0)}" y="${n(y0 + 12)}" fill="${TEXT}" font-weight="bold">${truncate(p.name, 26)}</text>
<line x1="${n(x0)}" x2="${n(x0 + panelW)}" y1="${n(plotTop + plotH)}" y2="${n(plotTop + plotH)}" stroke="${AXIS}"/>
${bars}
${first ? html`<text x="${n(x0)}" y="${n(plotTop + plotH + 13)}" fill="${MUTED}" font-size="9">${bucketLabel(first, unit)}</text>` : ""}
${last && last !== first ? html`<text x="${n(x0 + panelW)}" y="${n(plotTop + plotH + 13)}" text-anchor="end" fill="${MUTED}" font-size="9">${bucketLabel(last, unit)}</text>` : ""}
<text x="${n(x0)}" y="${n(plotTop + plotH + 26)}" fill="${MUTED}" font-size="9">${p.count.toLocaleString("en-US")} events</text>`;
  });
  return svg(WIDTH, height, label, markup);
}
