"use client";

import { useQuery } from "@tanstack/react-query";
import { MetricChart } from "~/components/charts/metric-chart";
import { useLive } from "~/components/live/live-provider";
import { errorCode, useTRPC } from "~/trpc/react";

/** With the stream open the latest second is pushed to the page; the charts need not chase it. */
const CHART_REFRESH_LIVE_MS = 5_000;

/**
 * Latency, throughput, CPU and memory over the run's time, from Prometheus while it runs (every
 * second while the page polls, every 5 s while the live stream pushes the latest second) and from
 * the stored snapshot once it has ended.
 * A cluster run has CPU and memory per component only, from the cluster's cAdvisor series.
 */
export function RunLiveMetrics({ runId, active, cluster }: { runId: string; active: boolean; cluster: boolean }) {
  const trpc = useTRPC();
  const live = useLive().state === "live";
  const query = useQuery(
    trpc.metrics.run.queryOptions(
      { runId },
      {
        refetchInterval: active ? (live ? CHART_REFRESH_LIVE_MS : 1_000) : false,
        retry: (n, e) => n < 1 && errorCode(e) !== "SERVICE_UNAVAILABLE",
      },
    ),
  );

  if (query.isPending) return <div className="empty">Loading metrics…</div>;
  if (query.isError) {
    return (
      <div className="notice" data-testid="metrics-unavailable">
        {errorCode(query.error) === "SERVICE_UNAVAILABLE"
          ? query.error.message
          : `Could not load metrics: ${query.error.message}`}
        {active && " — retrying every second."}
      </div>
    );
  }
  const metrics = query.data;
  if (!metrics) return <div className="empty">The run has not started yet.</div>;
  const { charts, startSeconds } = metrics;
  const source = cluster
    ? `${active ? "live from" : "from"} the cluster's Prometheus (cAdvisor)`
    : metrics.source === "snapshot"
      ? "stored snapshot"
      : active
        ? "live from Prometheus"
        : "from Prometheus";
  // A cluster run's CPU and memory come from cAdvisor: say where to look when there are none.
  const empty = cluster
    ? {
        emptyMessage: active
          ? "No cAdvisor samples for this run's namespace yet: is Prometheus scraping the kubelets?"
          : "No cAdvisor samples for this run's namespace in Prometheus: is it scraping the kubelets, and does its retention reach back to this run?",
      }
    : {};
  return (
    <>
      <div className="toolbar">
        <h2 style={{ margin: 0 }}>Over time</h2>
        <span className="muted">
          {source} · step {metrics.stepSeconds} s
        </span>
      </div>
      {cluster ? (
        <div className="notice" data-testid="cluster-run-metrics">
          CPU is the mean between the last two scrapes of each kubelet (often 30 s apart); node agents are summed over every node
          here, while the table below measures them on the run&apos;s nodes only. fortio reports latency and throughput when each
          repetition ends.
        </div>
      ) : (
        <div className="row">
          <MetricChart
            testId="live-latency"
            title="Latency"
            unit="seconds"
            originSeconds={startSeconds}
            series={[
              ...charts.latency_p50.series.map((s) => ({ ...s, name: "p50" })),
              ...charts.latency_p99.series.map((s) => ({ ...s, name: "p99" })),
            ]}
          />
          <MetricChart
            testId="live-throughput"
            title="Throughput"
            unit="requests/s"
            originSeconds={startSeconds}
            series={[
              ...charts.request_rate.series.map((s) => ({ ...s, name: "responses/s" })),
              ...charts.error_rate.series.map((s) => ({ ...s, name: `errors: ${s.name}` })),
            ]}
          />
        </div>
      )}
      <div className="row">
        <MetricChart
          testId="live-cpu"
          title="CPU per component"
          unit="cores"
          originSeconds={startSeconds}
          series={[
            ...charts.cpu_by_component.series,
            ...charts.host_cpu.series.map((s) => ({ ...s, name: "host (all processes)" })),
          ]}
          {...empty}
        />
        <MetricChart
          testId="live-memory"
          title="Memory per component"
          unit="bytes"
          originSeconds={startSeconds}
          series={charts.memory_by_component.series}
          {...empty}
        />
      </div>
      {charts.probe_rate.series.length + charts.probe_p99.series.length > 0 && (
        <div className="row">
          <MetricChart
            testId="live-kernel-rate"
            title="Kernel probes: per second"
            unit="per-second"
            originSeconds={startSeconds}
            series={charts.probe_rate.series}
          />
          <MetricChart
            testId="live-kernel-p99"
            title="Kernel probes: p99 per interval"
            unit="microseconds"
            originSeconds={startSeconds}
            series={charts.probe_p99.series}
          />
        </div>
      )}
    </>
  );
}
