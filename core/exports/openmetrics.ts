import type { ComparedRun } from "../compare";

/**
 * Runs' summaries as OpenMetrics text (application/openmetrics-text; version=1.0.0), ending in
 * `# EOF`. Pure. Every sample carries its run's end time as timestamp (seconds), so the file can
 * be backfilled into Prometheus (`promtool tsdb create-blocks-from openmetrics`) and lands where
 * the run happened.
 *
 * Counts are gauges, not counters: they are a finished run's totals, and a counter's `_total`
 * sample would not read back under its family's name in Prometheus's older text format, which
 * this file also satisfies (`promtool check metrics`). A figure that was not measured has no
 * sample (never 0).
 */

export const OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

const QUANTILES: { q: string; key: "p50Us" | "p75Us" | "p90Us" | "p99Us" | "p999Us" }[] = [
  { q: "0.5", key: "p50Us" },
  { q: "0.75", key: "p75Us" },
  { q: "0.9", key: "p90Us" },
  { q: "0.99", key: "p99Us" },
  { q: "0.999", key: "p999Us" },
];

type Labels = Record<string, string>;

/** OpenMetrics label value escaping: backslash, double quote and line feed. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length > 0 ? `{${parts.join(",")}}` : "";
}

/** Shortest exact text of a number; OpenMetrics has no place for NaN from a missing figure. */
function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

interface Family {
  name: string;
  type: "gauge" | "summary";
  unit?: string;
  help: string;
  samples: string[];
}

export function runsOpenMetrics(runs: readonly ComparedRun[]): string {
  const families: Family[] = [
    { name: "meshbench_run_info", type: "gauge", help: "A run's identity (value 1).", samples: [] },
    {
      name: "meshbench_run_latency_seconds",
      type: "summary",
      unit: "seconds",
      help: "Latency of successful requests over all repetitions (HDR histograms added together).",
      samples: [],
    },
    {
      name: "meshbench_run_latency_ci_seconds",
      type: "gauge",
      unit: "seconds",
      help: "95% bootstrap confidence interval of a latency percentile (bound lower or upper).",
      samples: [],
    },
    { name: "meshbench_run_requests", type: "gauge", help: "Successful responses in the measured windows.", samples: [] },
    { name: "meshbench_run_errors", type: "gauge", help: "Failed requests in the measured windows, by kind.", samples: [] },
    {
      name: "meshbench_run_throughput",
      type: "gauge",
      help: "Achieved requests per second, mean over repetitions (bound: the 95% interval where there is one).",
      samples: [],
    },
    {
      name: "meshbench_run_requested_rate",
      type: "gauge",
      help: "Requested requests per second (fixed-rate runs).",
      samples: [],
    },
    {
      name: "meshbench_run_cpu_cores",
      type: "gauge",
      help: "Mean CPU cores used by a component over the measured windows.",
      samples: [],
    },
    {
      name: "meshbench_run_memory_peak_bytes",
      type: "gauge",
      unit: "bytes",
      help: "Peak memory of a component (resident set, or working set on Kubernetes).",
      samples: [],
    },
  ];
  const family = (name: string) => {
    const f = families.find((x) => x.name === name);
    if (!f) throw new Error(`no family ${name}`);
    return f;
  };
  for (const run of runs) {
    const at = (run.finishedAt ?? run.startedAt ?? run.createdAt).getTime() / 1000;
    const ts = ` ${Math.floor(at)}`;
    const base: Labels = { run_id: run.id, mesh: run.mesh };
    const sample = (name: string, labels: Labels, value: number, suffix = "") =>
      family(name).samples.push(`${name}${suffix}${labelText({ ...base, ...labels })} ${num(value)}${ts}`);
    sample("meshbench_run_info", { name: run.name, backend: run.backend.toLowerCase(), load_generator: run.loadGenerator }, 1);
    const s = run.summary;
    if (s) {
      for (const { q, key } of QUANTILES) sample("meshbench_run_latency_seconds", { quantile: q }, s[key] / 1e6);
      if (run.requestCount !== null) {
        sample("meshbench_run_latency_seconds", {}, (s.meanUs * run.requestCount) / 1e6, "_sum");
        sample("meshbench_run_latency_seconds", {}, run.requestCount, "_count");
      }
    }
    for (const [k, percentile] of [
      ["p50", "50"],
      ["p99", "99"],
      ["p999", "99.9"],
    ] as const) {
      const ci = run.latency[k].ci;
      if (!ci) continue;
      sample("meshbench_run_latency_ci_seconds", { percentile, bound: "lower" }, ci.lo / 1e6);
      sample("meshbench_run_latency_ci_seconds", { percentile, bound: "upper" }, ci.hi / 1e6);
    }
    // An imported file without counts: unknown, so no sample (never 0).
    if (run.requestCount !== null) sample("meshbench_run_requests", {}, run.requestCount);
    for (const [kind, n] of Object.entries(run.errorsByKind)) sample("meshbench_run_errors", { kind }, n);
    if (run.throughput.value !== null) {
      sample("meshbench_run_throughput", {}, run.throughput.value);
      if (run.throughput.ci) {
        sample("meshbench_run_throughput", { bound: "lower" }, run.throughput.ci.lo);
        sample("meshbench_run_throughput", { bound: "upper" }, run.throughput.ci.hi);
      }
    }
    if (run.requestedQps !== null) sample("meshbench_run_requested_rate", {}, run.requestedQps);
    for (const r of run.resources) {
      const labels = { component: r.component, role: r.role };
      if (r.cpuCores !== null) sample("meshbench_run_cpu_cores", labels, r.cpuCores);
      if (r.maxRssBytes !== null) sample("meshbench_run_memory_peak_bytes", labels, r.maxRssBytes);
    }
  }
  const lines: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${f.help}`);
    lines.push(...f.samples);
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}
