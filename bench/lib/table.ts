import { fmtBytes, fmtMs, fmtPct, fmtRate, fmtRatio, fmtUs } from "./format";

/** "error: ..." rows are the only ones that make the bench exit non-zero (it could not measure). */
export type Verdict = "pass" | "miss" | "info" | `not measured: ${string}` | `error: ${string}`;

export type Unit = "us" | "rps" | "bytes" | "ms" | "fraction" | "count";

export interface Row {
  /** "1" load generator, "2" API, "3" storage, "4" reports and probes, "5" A/A intervals, "6" viewers during a run. */
  section: string;
  figure: string;
  ours: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
  note?: string;
  /** The numbers behind the cells, for whoever reads latest.json. */
  values?: { ours: number | null; reference: number | null; ratio: number | null; unit: Unit };
}

export type Target =
  | { kind: "none" }
  /** ours / reference ≥ min */
  | { kind: "ratio-min"; min: number }
  /** |ours / reference − 1| ≤ tolerance */
  | { kind: "ratio-within"; tolerance: number }
  /** ours / reference ≤ max */
  | { kind: "ratio-max"; max: number }
  /** ours ≤ max (same unit as ours) */
  | { kind: "ours-max"; max: number }
  /** ours ≥ min */
  | { kind: "ours-min"; min: number };

export interface Measured {
  section: string;
  figure: string;
  ours: number | null;
  reference: number | null;
  unit: Unit;
  /** Defaults to ours / reference. */
  ratio?: number | null;
  target: Target;
  /** Overrides the generated target text. */
  targetText?: string;
  /** Override the cell text (e.g. a range) while keeping the number in `values`. */
  oursText?: string;
  referenceText?: string;
  note?: string;
}

export function formatValue(value: number | null, unit: Unit): string {
  switch (unit) {
    case "us":
      return fmtUs(value);
    case "rps":
      return fmtRate(value);
    case "bytes":
      return fmtBytes(value);
    case "ms":
      return fmtMs(value, 2);
    case "fraction":
      return fmtPct(value);
    case "count":
      return value === null || !Number.isFinite(value) ? "—" : Math.round(value).toLocaleString("en-US");
  }
}

export function describeTarget(target: Target, unit: Unit): string {
  switch (target.kind) {
    case "none":
      return "— (no target)";
    case "ratio-min":
      return `ratio ≥ ${target.min}`;
    case "ratio-within":
      return `ratio 1 ± ${fmtPct(target.tolerance, 0)}`;
    case "ratio-max":
      return `ratio ≤ ${target.max}`;
    case "ours-max":
      return `≤ ${formatValue(target.max, unit)}`;
    case "ours-min":
      return `≥ ${formatValue(target.min, unit)}`;
  }
}

const usable = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);

/** pass/miss against the target; "info" when there is no target; an error when a needed figure is missing. */
export function judge(target: Target, ours: number | null, ratio: number | null): Verdict {
  switch (target.kind) {
    case "none":
      return "info";
    case "ratio-min":
      if (!usable(ratio)) return "error: could not measure (no ratio)";
      return ratio >= target.min ? "pass" : "miss";
    case "ratio-within":
      if (!usable(ratio)) return "error: could not measure (no ratio)";
      return Math.abs(ratio - 1) <= target.tolerance + 1e-12 ? "pass" : "miss";
    case "ratio-max":
      if (!usable(ratio)) return "error: could not measure (no ratio)";
      return ratio <= target.max + 1e-12 ? "pass" : "miss";
    case "ours-max":
      if (!usable(ours)) return "error: could not measure (no value)";
      return ours <= target.max ? "pass" : "miss";
    case "ours-min":
      if (!usable(ours)) return "error: could not measure (no value)";
      return ours >= target.min ? "pass" : "miss";
  }
}

export function measuredRow(m: Measured): Row {
  const ratio =
    m.ratio !== undefined ? m.ratio : usable(m.ours) && usable(m.reference) && m.reference !== 0 ? m.ours / m.reference : null;
  return {
    section: m.section,
    figure: m.figure,
    ours: m.oursText ?? formatValue(m.ours, m.unit),
    reference: m.referenceText ?? formatValue(m.reference, m.unit),
    ratio: fmtRatio(ratio),
    target: m.targetText ?? describeTarget(m.target, m.unit),
    verdict: judge(m.target, m.ours, ratio),
    ...(m.note ? { note: m.note } : {}),
    values: { ours: m.ours, reference: m.reference, ratio, unit: m.unit },
  };
}

export function errorRow(section: string, figure: string, error: unknown): Row {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 200) ?? "unknown";
  return {
    section,
    figure,
    ours: "—",
    reference: "—",
    ratio: "—",
    target: "—",
    verdict: `error: could not measure (${message})`,
  };
}

export function notMeasuredRow(section: string, figure: string, target: string, reason: string): Row {
  return { section, figure, ours: "—", reference: "—", ratio: "—", target, verdict: `not measured: ${reason}` };
}

export function couldNotMeasure(rows: readonly Row[]): boolean {
  return rows.some((r) => r.verdict.startsWith("error:"));
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The table, then the notes numbered by row. */
export function renderMarkdown(rows: readonly Row[]): string {
  const header = ["#", "figure", "ours", "reference", "ratio", "target", "verdict"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  const notes: string[] = [];
  rows.forEach((r, i) => {
    const n = i + 1;
    const figure = r.note ? `${r.figure} [${n}]` : r.figure;
    lines.push(`| ${[r.section, figure, r.ours, r.reference, r.ratio, r.target, r.verdict].map(cell).join(" | ")} |`);
    if (r.note) notes.push(`[${n}] ${r.note}`);
  });
  return notes.length > 0 ? `${lines.join("\n")}\n\n${notes.join("\n")}\n` : `${lines.join("\n")}\n`;
}
