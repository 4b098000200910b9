import type { ComparedRun, Comparison } from "../compare";
import { KEY_PERCENTILE_NAMES, type KeyPercentile } from "../verdict";
import type { JsonValue } from "./json";

/**
 * Machine-readable exports of a comparison (JSON, CSV). Pure. Raw numbers in µs / req/s; a figure
 * that was not measured is empty (CSV), never 0 and never a placeholder.
 */

export const COMPARISON_FORMAT = "meshbench.comparison/v1";

/** The comparison as plain JSON (dates as ISO strings), with the document's own header. */
export function comparisonJson(comparison: Comparison, meta: { generatedAt: Date }): JsonValue {
  return JSON.parse(
    JSON.stringify({
      format: COMPARISON_FORMAT,
      generatedAt: meta.generatedAt.toISOString(),
      latencyUnit: "µs",
      rateUnit: "requests/s",
      ...comparison,
    }),
  ) as JsonValue;
}

// ---------------------------------------------------------------------------------------------
// CSV

const NAMES: Record<KeyPercentile, string> = { p50: "p50", p99: "p99", p999: "p99_9" };

type Cell = string | number | null | undefined;

function csvCell(value: Cell): string {
  if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value))) return "";
  if (typeof value === "number") return String(Number(value.toPrecision(10)));
  // Spreadsheets run cells starting with = + - @ as formulas: a run name must stay text.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const COMPARISON_CSV_COLUMNS = [
  "run_id",
  "name",
  "mesh",
  "backend",
  "is_baseline",
  "load_generator",
  "mode",
  "requested_qps",
  "connections",
  "payload_bytes",
  "duration_s",
  "warmup_s",
  "repetitions",
  "requests",
  "errors",
  "error_rate",
  "achieved_qps",
  "achieved_qps_ci_low",
  "achieved_qps_ci_high",
  ...KEY_PERCENTILE_NAMES.flatMap((k) => [`${NAMES[k]}_us`, `${NAMES[k]}_ci_low_us`, `${NAMES[k]}_ci_high_us`]),
  ...KEY_PERCENTILE_NAMES.flatMap((k) => [
    `${NAMES[k]}_overhead_us`,
    `${NAMES[k]}_overhead_ci_low_us`,
    `${NAMES[k]}_overhead_ci_high_us`,
    `${NAMES[k]}_overhead_pct`,
    `${NAMES[k]}_overhead_pct_ci_low`,
    `${NAMES[k]}_overhead_pct_ci_high`,
    // Why the interval cells are empty, e.g. "single-repetition"; empty when the interval exists.
    `${NAMES[k]}_overhead_ci_unavailable`,
  ]),
  "max_us",
  "mean_us",
  "cpu_us_per_request",
  "proxy_cpu_us_per_request",
] as const;

function csvRow(run: ComparedRun, comparison: Comparison): Cell[] {
  const spec = run.spec;
  return [
    run.id,
    run.name,
    run.mesh,
    run.backend.toLowerCase(),
    run.id === comparison.baselineId ? "yes" : "no",
    run.loadGenerator,
    spec?.mode ?? null,
    run.requestedQps,
    spec?.connections,
    spec?.payloadBytes,
    spec?.durationSeconds,
    spec?.warmupSeconds,
    run.repetitions,
    run.requestCount,
    run.errorCount,
    run.errorRate,
    run.throughput.value,
    run.throughput.ci?.lo,
    run.throughput.ci?.hi,
    ...KEY_PERCENTILE_NAMES.flatMap((k) => [run.latency[k].value, run.latency[k].ci?.lo, run.latency[k].ci?.hi]),
    ...KEY_PERCENTILE_NAMES.flatMap((k) => {
      const o = run.overhead?.[k] ?? null;
      return [
        o?.absoluteUs,
        o?.absoluteCi?.lo,
        o?.absoluteCi?.hi,
        o?.percent,
        o?.percentCi?.lo,
        o?.percentCi?.hi,
        o?.ciUnavailable,
      ];
    }),
    run.summary?.maxUs,
    run.summary?.meanUs,
    run.cpuUsPerRequest.total,
    run.cpuUsPerRequest.proxy,
  ];
}

/** One row per run; RFC 4180 quoting, CRLF line ends. */
export function comparisonCsv(comparison: Comparison): string {
  const lines = [COMPARISON_CSV_COLUMNS.join(","), ...comparison.runs.map((r) => csvRow(r, comparison).map(csvCell).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
