import { Counter, Gauge } from "prom-client";
import { type HistBucket, histogramQuantile, mergeLog2Buckets } from "~/core/parsers/bpftrace";
import type { LiveMetricsSink, LoadIntervalSample, ProcessSample } from "./backends/types";
import { workerRegistry } from "./metrics";
import type { ProbeSample } from "./probes";

/**
 * Per-run series Prometheus scrapes from the worker every second, labeled by run id, profile and
 * component. Latency quantiles are computed from the load generator's exact HDR histogram of each
 * interval rather than from Prometheus histogram buckets, whose coarse buckets would blur the tail.
 */
const RUN_LABELS = ["run_id", "profile"] as const;

const responses = new Counter({
  name: "meshbench_loadgen_responses_total",
  help: "Successful responses received by the load generator (warm-up included)",
  labelNames: RUN_LABELS,
  registers: [workerRegistry],
});
const errors = new Counter({
  name: "meshbench_loadgen_errors_total",
  help: "Failed requests by kind",
  labelNames: [...RUN_LABELS, "kind"] as const,
  registers: [workerRegistry],
});
const latency = new Gauge({
  name: "meshbench_loadgen_latency_seconds",
  help: "Latency quantiles of the responses completed in the last interval (from intended send time)",
  labelNames: [...RUN_LABELS, "quantile"] as const,
  registers: [workerRegistry],
});
const cpuSeconds = new Counter({
  name: "meshbench_process_cpu_seconds_total",
  help: "CPU time (user + system) of a run's component, from /proc",
  labelNames: [...RUN_LABELS, "component", "role"] as const,
  registers: [workerRegistry],
});
const rssBytes = new Gauge({
  name: "meshbench_process_resident_memory_bytes",
  help: "Resident memory of a run's component, from /proc",
  labelNames: [...RUN_LABELS, "component", "role"] as const,
  registers: [workerRegistry],
});

const probeEvents = new Counter({
  name: "meshbench_probe_events_total",
  help: "What an eBPF probe counted (events, or a quantity such as µs of softirq time), by probe and metric",
  labelNames: [...RUN_LABELS, "probe", "metric"] as const,
  registers: [workerRegistry],
});
const probeQuantile = new Gauge({
  name: "meshbench_probe_histogram_quantile",
  help: "Quantile of an eBPF probe's histogram over the last interval, in the metric's unit",
  labelNames: [...RUN_LABELS, "probe", "metric", "quantile"] as const,
  registers: [workerRegistry],
});

const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;
/** Long enough for Prometheus (1 s scrapes) and the end-of-run snapshot to see the last values. */
const FORGET_AFTER_MS = 60_000;

export function liveMetricsFor(runId: string, profile: string): LiveMetricsSink & { forgetLater(): void } {
  const run = { run_id: runId, profile };
  const cpuSeen = new Map<string, number>();
  // prom-client removes only exact label sets, so remember every one this run created.
  const created = new Map<string, () => void>();
  const touch = <L extends Record<string, string>>(name: string, metric: { remove(labels: L): void }, labels: L) => {
    created.set(`${name}|${JSON.stringify(labels)}`, () => metric.remove(labels));
  };
  return {
    loadInterval(sample: LoadIntervalSample) {
      responses.inc(run, sample.responses);
      touch("responses", responses, run);
      for (const [kind, n] of Object.entries(sample.errors)) {
        if (n === 0) continue;
        errors.inc({ ...run, kind }, n);
        touch("errors", errors, { ...run, kind });
      }
      for (const q of QUANTILES) {
        const labels = { ...run, quantile: String(q) };
        // An interval with no responses has no latency: drop the sample rather than report 0.
        if (sample.histogram.totalCount === 0) latency.remove(labels);
        else latency.set(labels, sample.histogram.getValueAtPercentile(q * 100) / 1e6);
        touch("latency", latency, labels);
      }
    },
    process(sample: ProcessSample) {
      const labels = { ...run, component: sample.component, role: sample.role };
      const previous = cpuSeen.get(sample.component);
      cpuSeen.set(sample.component, sample.cpuSecondsTotal);
      if (previous === undefined) cpuSeconds.inc(labels, 0);
      else if (sample.cpuSecondsTotal > previous) cpuSeconds.inc(labels, sample.cpuSecondsTotal - previous);
      touch("cpuSeconds", cpuSeconds, labels);
      if (sample.rssBytes === null) rssBytes.remove(labels);
      else rssBytes.set(labels, sample.rssBytes);
      touch("rssBytes", rssBytes, labels);
    },
    probe(sample: ProbeSample) {
      // Totals over label values (syscall name, port, …): per-label detail is in the stored result.
      const totals = new Map<string, number>();
      for (const c of sample.counters) totals.set(c.metric, (totals.get(c.metric) ?? 0) + c.value);
      for (const [metric, value] of totals) {
        const labels = { ...run, probe: sample.probe, metric };
        probeEvents.inc(labels, value);
        touch("probeEvents", probeEvents, labels);
      }
      const byMetric = new Map<string, HistBucket[][]>();
      for (const h of sample.histograms) byMetric.set(h.metric, [...(byMetric.get(h.metric) ?? []), h.buckets]);
      for (const [metric, parts] of byMetric) {
        const merged = mergeLog2Buckets(...parts);
        for (const q of [0.5, 0.99]) {
          const labels = { ...run, probe: sample.probe, metric, quantile: String(q) };
          const value = histogramQuantile(merged, q);
          if (value === null) probeQuantile.remove(labels);
          else probeQuantile.set(labels, value);
          touch("probeQuantile", probeQuantile, labels);
        }
      }
    },
    forgetLater() {
      setTimeout(() => {
        for (const remove of created.values()) remove();
      }, FORGET_AFTER_MS).unref();
    },
  };
}
