/**
 * Named, parameterized PromQL. The browser asks for a query by name; only these templates, with
 * a validated run id, ever reach Prometheus.
 */
import type { MetricUnit } from "~/core/metric-series";

export interface CatalogQuery {
  title: string;
  unit: MetricUnit;
  /** Label whose value names each series in the legend; absent for a single series. */
  seriesLabel?: string;
  promql: (runId: string) => string;
}

const RUN_ID = /^[a-z0-9]{1,64}$/;

/** Rate window: a few 1 s scrapes, so a live chart reacts within ~2 s. */
const W = "4s";

export const PROMQL_CATALOG = {
  latency_p50: {
    title: "Latency p50",
    unit: "seconds",
    promql: (run) => `max(meshbench_loadgen_latency_seconds{run_id="${run}", quantile="0.5"})`,
  },
  latency_p99: {
    title: "Latency p99",
    unit: "seconds",
    promql: (run) => `max(meshbench_loadgen_latency_seconds{run_id="${run}", quantile="0.99"})`,
  },
  request_rate: {
    title: "Throughput",
    unit: "requests/s",
    promql: (run) => `sum(rate(meshbench_loadgen_responses_total{run_id="${run}"}[${W}]))`,
  },
  error_rate: {
    title: "Errors",
    unit: "errors/s",
    seriesLabel: "kind",
    promql: (run) => `sum by (kind) (rate(meshbench_loadgen_errors_total{run_id="${run}"}[${W}]))`,
  },
  cpu_by_component: {
    title: "CPU per component",
    unit: "cores",
    seriesLabel: "component",
    promql: (run) => `sum by (component) (rate(meshbench_process_cpu_seconds_total{run_id="${run}"}[${W}]))`,
  },
  memory_by_component: {
    title: "Memory per component",
    unit: "bytes",
    seriesLabel: "component",
    promql: (run) => `sum by (component) (meshbench_process_resident_memory_bytes{run_id="${run}"})`,
  },
  probe_rate: {
    title: "Kernel probes: per second",
    unit: "per-second",
    seriesLabel: "series",
    promql: (run) =>
      `label_join(sum by (probe, metric) (rate(meshbench_probe_events_total{run_id="${run}"}[${W}])), "series", ":", "probe", "metric")`,
  },
  probe_p99: {
    title: "Kernel probes: p99 of each interval",
    unit: "microseconds",
    seriesLabel: "series",
    promql: (run) =>
      `label_join(max by (probe, metric) (meshbench_probe_histogram_quantile{run_id="${run}", quantile="0.99"}), "series", ":", "probe", "metric")`,
  },
  host_cpu: {
    title: "Host CPU busy",
    unit: "cores",
    promql: () => `sum(rate(node_cpu_seconds_total{mode!="idle"}[${W}]))`,
  },
} satisfies Record<string, CatalogQuery>;

export type CatalogQueryName = keyof typeof PROMQL_CATALOG;
export const CATALOG_QUERY_NAMES = Object.keys(PROMQL_CATALOG) as CatalogQueryName[];

export function renderQuery(name: CatalogQueryName, runId: string): string {
  if (!RUN_ID.test(runId)) throw new Error(`Invalid run id for PromQL: ${runId}`);
  return PROMQL_CATALOG[name].promql(runId);
}

/** A step that keeps a chart under ~600 points whatever the run length. */
export function stepFor(startSeconds: number, endSeconds: number): number {
  return Math.max(1, Math.ceil((endSeconds - startSeconds) / 600));
}
