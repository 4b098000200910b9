import type { ComparedRun, Comparison } from "./compare";
import { KEY_PERCENTILE_NAMES, type KeyPercentile } from "./verdict";

/**
 * Machine-readable exports of a comparison (JSON, CSV) and of one run in the Service Mesh
 * Performance (SMP) format. Pure. Raw numbers in µs / req/s; a figure that was not measured is
 * empty (CSV) or absent (SMP), never 0 and never a placeholder.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

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

// ---------------------------------------------------------------------------------------------
// Service Mesh Performance (SMP)

/** SMP's ServiceMeshes.Type enum; profiles outside it (baseline, nginx, haproxy, cilium) carry none. */
const SMP_MESH_TYPES: Record<string, string> = {
  istio: "istio",
  "istio-ambient": "istio",
  "istio-ambient-waypoint": "istio",
  linkerd: "linkerd",
  consul: "consul",
};

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function compact(value: { [key: string]: JsonValue | undefined }): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

const toMs = (us: number | undefined) => (us === undefined ? undefined : round(us / 1000, 4));
const toMb = (bytes: number) => Math.round(bytes / 1_000_000);

/**
 * One run as the SMP messages of protos/service_mesh_performance.proto (PerformanceTestConfig,
 * PerformanceTestResult, ServiceMeshConfig, EnvironmentConfig), field names as in the proto.
 * Fields MeshBench does not know are left out rather than guessed; ids are this run's own, so the
 * result's testId / meshConfigId / envId point at the configs in the same document.
 */
export function smpDocument(run: ComparedRun): { [key: string]: JsonValue } {
  const labels = { meshbench_run: run.id, meshbench_profile: run.mesh, meshbench_backend: run.backend.toLowerCase() };
  const spec = run.spec;
  const proxies = run.resources.filter((r) => r.role === "proxy");
  const proxyCpu = proxies.every((p) => p.cpuCores !== null) ? proxies.reduce((a, p) => a + (p.cpuCores ?? 0), 0) : null;
  const proxyMem = proxies.every((p) => p.maxRssBytes !== null) ? proxies.reduce((a, p) => a + (p.maxRssBytes ?? 0), 0) : null;
  const testId = run.id;
  const meshConfigId = `${run.id}-mesh`;
  const envId = `${run.id}-env`;
  const s = run.summary;
  return {
    performance_test_config: compact({
      id: testId,
      name: run.name,
      labels,
      clients: spec
        ? [
            compact({
              internal: true,
              load_generator: run.loadGenerator,
              protocol: "http",
              connections: spec.connections,
              rps: spec.mode === "fixed-rate" ? spec.rate : undefined,
            }),
          ]
        : undefined,
      duration: spec ? `${spec.durationSeconds}s` : undefined,
    }),
    performance_test_result: compact({
      id: run.id,
      labels,
      start_time: run.startedAt?.toISOString(),
      end_time: run.finishedAt?.toISOString(),
      latencies_ms: s
        ? compact({
            min: toMs(s.minUs),
            average: toMs(s.meanUs),
            p50: toMs(s.p50Us),
            p90: toMs(s.p90Us),
            p99: toMs(s.p99Us),
            max: toMs(s.maxUs),
          })
        : undefined,
      actual_QPS: run.throughput.value === null ? undefined : round(run.throughput.value, 2),
      testId,
      meshConfigId,
      envId,
    }),
    service_mesh_config: compact({
      id: meshConfigId,
      labels,
      profile: run.mesh,
      mesh_type: SMP_MESH_TYPES[run.mesh] ? { type: SMP_MESH_TYPES[run.mesh] ?? "" } : undefined,
      sidecar:
        proxies.length > 0
          ? compact({
              count: proxies.length,
              cpu_mCores: proxyCpu === null ? undefined : Math.round(proxyCpu * 1000),
              mem_mb: proxyMem === null ? undefined : toMb(proxyMem),
              rps: run.throughput.value === null ? undefined : Math.round(run.throughput.value),
            })
          : undefined,
    }),
    environment_config: compact({
      id: envId,
      labels,
      individual_workloads: run.resources.map((r) =>
        compact({
          name: r.component,
          count: 1,
          cpu_mCores: r.cpuCores === null ? undefined : Math.round(r.cpuCores * 1000),
          mem_mb: r.maxRssBytes === null ? undefined : toMb(r.maxRssBytes),
        }),
      ),
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// YAML (the subset JSON needs; every string double-quoted, so no value is ever misread)

function yamlScalar(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : ".nan";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return "[]";
  return "{}";
}

function isNested(value: JsonValue): boolean {
  return (
    (Array.isArray(value) && value.length > 0) ||
    (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0)
  );
}

function yamlLines(value: JsonValue, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isNested(item)) return [`${indent}- ${yamlScalar(item)}`];
      const inner = yamlLines(item, `${indent}  `);
      const first = inner[0] ?? "";
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, v]) => {
      const k = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : JSON.stringify(key);
      return isNested(v) ? [`${indent}${k}:`, ...yamlLines(v, `${indent}  `)] : [`${indent}${k}: ${yamlScalar(v)}`];
    });
  }
  return [`${indent}${yamlScalar(value)}`];
}

export function toYaml(value: JsonValue, header?: string): string {
  const comment = header
    ? header
        .split("\n")
        .map((l) => `# ${l}`)
        .join("\n")
        .concat("\n")
    : "";
  return `${comment}${yamlLines(value, "").join("\n")}\n`;
}
