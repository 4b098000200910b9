"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LatencySpectrumChart } from "~/components/charts/latency-spectrum-chart";
import { ThroughputChart } from "~/components/charts/throughput-chart";
import { ManifestDryRun } from "~/components/cluster/manifest-dry-run";
import { RunBaselineControl } from "~/components/compare/run-baseline";
import { useFallbackPolling, useLive } from "~/components/live/live-provider";
import { KernelSection } from "~/components/probes/kernel-section";
import { formatBytes, formatCount, formatDate, formatDuration, formatLatencyUs, formatRate, MISSING } from "~/core/format/units";
import type { LatencySummary } from "~/core/result";
import { ACTIVE_STATUSES } from "~/core/run-status";
import { describeServiceTime } from "~/core/service-time";
import { latencyTiming } from "~/core/warnings";
import { useTRPC } from "~/trpc/react";
import { ImportedTag, ImportProvenancePanel } from "./import-provenance";
import { InterferencePanel } from "./interference-panel";
import { ProfileFactsPanel } from "./profile-facts-panel";
import { RunExportsMenu } from "./run-exports-menu";
import { RunLiveMetrics } from "./run-live-metrics";
import { ProgressBar, StatusBadge } from "./status-badge";

const PERCENTILE_ROWS: [keyof LatencySummary, string][] = [
  ["p50Us", "p50"],
  ["p75Us", "p75"],
  ["p90Us", "p90"],
  ["p99Us", "p99"],
  ["p999Us", "p99.9"],
  ["maxUs", "max"],
];

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** The running benchmark's latest second, as the worker pushed it. */
function LastSecond({ runId }: { runId: string }) {
  const latest = useLive().latestInterval.get(runId);
  if (!latest) return null;
  return (
    <span className="muted mono" data-testid="run-last-second">
      last second: {formatRate(latest.completionsPerSecond)} · p50{" "}
      {latest.p50Us === null ? MISSING : formatLatencyUs(latest.p50Us)} · p99{" "}
      {latest.p99Us === null ? MISSING : formatLatencyUs(latest.p99Us)}
      {latest.errorsPerSecond > 0 && ` · ${formatRate(latest.errorsPerSecond)} errors`}
    </span>
  );
}

export function RunDetailView({ id, canOperate }: { id: string; canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const poll = useFallbackPolling();
  const query = useQuery(
    trpc.runs.get.queryOptions(
      { id },
      { refetchInterval: (q) => (q.state.data && ACTIVE_STATUSES.includes(q.state.data.status) ? poll(1_000) : false) },
    ),
  );
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id }) }),
    }),
  );

  if (query.isPending) return <div className="empty">Loading run…</div>;
  if (query.isError) return <div className="form-error">Could not load this run: {query.error.message}</div>;
  const run = query.data;
  const active = ACTIVE_STATUSES.includes(run.status);
  const liveMetrics = <RunLiveMetrics runId={run.id} active={active} cluster={run.backend === "KUBERNETES"} />;
  const totalErrors = run.errorCount;
  const reported = run.reportedLatency;
  const reportedAt = (p: number) => reported?.percentiles.find((x) => x.percentile === p)?.valueUs ?? null;
  const percentileRows: { key: string; label: string; value: number | null | undefined }[] = reported
    ? [
        ...reported.percentiles.map((p) => ({ key: `p${p.percentile}`, label: `p${p.percentile}`, value: p.valueUs })),
        { key: "max", label: "max", value: reported.maxUs },
      ]
    : PERCENTILE_ROWS.map(([key, label]) => ({ key, label, value: run.summary?.[key] }));

  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{run.name}</h1>
        <StatusBadge status={run.status} />
        <ImportedTag imported={run.imported} />
        {active && <ProgressBar percent={run.progress} />}
        {active && (
          <span className="muted mono" data-testid="run-progress">
            {run.progress.toFixed(0)} %
          </span>
        )}
        {run.status === "RUNNING" && run.phase && (
          <span className="muted" data-testid="run-phase">
            {run.phase}
          </span>
        )}
        {run.status === "RUNNING" && <LastSecond runId={run.id} />}
        {run.status === "SUCCEEDED" && <RunBaselineControl runId={run.id} mesh={run.mesh} canOperate={canOperate} />}
        <span className="spacer" />
        {run.status === "SUCCEEDED" && <RunExportsMenu runId={run.id} />}
        {canOperate && active && (
          <button
            type="button"
            className="btn danger"
            onClick={() => cancel.mutate({ id })}
            disabled={cancel.isPending || run.cancelRequested}
          >
            {run.cancelRequested ? "Cancelling…" : "Cancel run"}
          </button>
        )}
      </div>
      {cancel.isError && <div className="form-error">{cancel.error.message}</div>}
      {run.error && (
        <div className={run.status === "CANCELLED" ? "notice" : "form-error"} data-testid="run-error">
          {run.error}
        </div>
      )}

      {run.imported && <ImportProvenancePanel imported={run.imported} />}

      <div className="panel">
        <div className="stats">
          <Stat label="p50" value={formatLatencyUs(reported ? reportedAt(50) : run.summary?.p50Us)} testId="stat-p50" />
          <Stat label="p99" value={formatLatencyUs(reported ? reportedAt(99) : run.summary?.p99Us)} testId="stat-p99" />
          <Stat label="Throughput" value={formatRate(run.actualQps)} testId="stat-throughput" />
          <Stat
            label="Target"
            value={
              run.imported ? formatRate(run.imported.requestedQps) : run.spec?.mode === "max" ? "max" : formatRate(run.spec?.rate)
            }
          />
          <Stat label="Requests" value={formatCount(run.requestCount)} />
          <Stat label="Errors" value={formatCount(totalErrors)} />
        </div>
      </div>

      {/* While a run executes the live charts are what matters: show them first. */}
      {active && liveMetrics}

      <div className="row">
        <div className="panel">
          <h2>Latency by percentile</h2>
          <LatencySpectrumChart points={run.spectrum} />
        </div>
        <div className="panel" style={{ flex: "0 0 260px" }}>
          <h2>Percentiles</h2>
          <table className="data" data-testid="percentile-table">
            <tbody>
              {percentileRows.map((row) => {
                const width = run.percentileResolutionUs?.[row.key as keyof NonNullable<typeof run.percentileResolutionUs>];
                return (
                  <tr key={row.key}>
                    <td>{row.label}</td>
                    <td className="num">{formatLatencyUs(row.value)}</td>
                    {run.percentileResolutionUs && (
                      <td className="num muted" title="width of fortio's histogram bucket: the figure's resolution">
                        {width === undefined || width === null ? "" : `± ${formatLatencyUs(width)}`}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted" style={{ fontSize: 12 }} data-testid="percentile-note">
            {reported
              ? `Percentiles only, as ${run.imported?.tool ?? "the file"} reported them: no histogram, so no interval, and a percentile it did not report is missing.`
              : run.imported
                ? `From the imported histogram; timed as ${run.imported.tool} timed it.`
                : `Merged over ${run.iterations.length || MISSING} repetition(s); ${latencyTiming(run.backend, run.spec)}`}
          </p>
        </div>
      </div>

      {!active && !run.imported && liveMetrics}

      <div className="panel">
        <h2>Throughput per second</h2>
        <ThroughputChart
          series={run.iterations.map((i) => i.perSecond)}
          requestedQps={run.spec?.mode === "max" ? null : (run.spec?.rate ?? null)}
          {...(run.backend === "KUBERNETES" && run.iterations.length > 0
            ? {
                emptyMessage:
                  "fortio, the load generator on the cluster, reports no per-second series: each repetition's achieved rate is in the table below.",
              }
            : {})}
        />
      </div>

      {run.iterations.length > 0 && (
        <div className="panel">
          <h2>Repetitions</h2>
          <table className="data">
            <thead>
              <tr>
                <th>#</th>
                <th className="num">achieved</th>
                <th className="num">requests</th>
                <th className="num">p50</th>
                <th className="num">p99</th>
                <th className="num">p99.9</th>
                <th>errors</th>
                <th>CPU / peak memory per component</th>
              </tr>
            </thead>
            <tbody>
              {run.iterations.map((it) => (
                <tr key={it.iteration}>
                  <td>{it.iteration}</td>
                  <td className="num">{formatRate(it.actualQps)}</td>
                  <td className="num">{formatCount(it.count)}</td>
                  <td className="num">{formatLatencyUs(it.summary?.p50Us)}</td>
                  <td className="num">{formatLatencyUs(it.summary?.p99Us)}</td>
                  <td className="num">{formatLatencyUs(it.summary?.p999Us)}</td>
                  <td className="mono">
                    {it.errors === null
                      ? "unknown"
                      : Object.entries(it.errors)
                          .map(([k, v]) => `${k}: ${v}`)
                          .join(", ") || "none"}
                  </td>
                  <td className="mono" style={{ whiteSpace: "normal" }}>
                    {it.components
                      .map(
                        (c) =>
                          `${c.component} ${c.cpuCores === null ? MISSING : c.cpuCores.toFixed(2)} cores / ${formatBytes(c.maxRssBytes)}`,
                      )
                      .join(" · ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {run.spec && <ProfileFactsPanel mesh={run.spec.mesh} backend={run.backend} spec={run.spec} />}

      <InterferencePanel interference={run.interference} />

      <KernelSection runId={run.id} name={run.name} spec={run.spec} active={active} canOperate={canOperate} />

      <div className="panel">
        <h2>Specification</h2>
        {run.spec ? (
          <dl className="spec">
            <dt>backend</dt>
            <dd>{run.backend.toLowerCase()}</dd>
            <dt>mesh profile</dt>
            <dd>{run.mesh}</dd>
            <dt>load</dt>
            <dd>
              {run.spec.mode === "max"
                ? "max throughput (closed loop)"
                : `${run.spec.rate} req/s (${run.backend === "KUBERNETES" ? "fortio: paced, closed loop per connection" : "open loop"})`}
            </dd>
            <dt>connections</dt>
            <dd>{run.spec.connections}</dd>
            <dt>duration</dt>
            <dd>
              {run.spec.durationSeconds} s after {run.spec.warmupSeconds} s warm-up
            </dd>
            <dt>payload</dt>
            <dd>{formatBytes(run.spec.payloadBytes)}</dd>
            <dt>repetitions</dt>
            <dd>{run.spec.repetitions}</dd>
            <dt>added service time</dt>
            <dd data-testid="spec-service-time">{describeServiceTime(run.spec.serviceTime)}</dd>
            <dt>eBPF probes</dt>
            <dd>{run.spec.probes.length > 0 ? run.spec.probes.join(", ") : "none"}</dd>
            <dt>created</dt>
            <dd>
              {formatDate(run.createdAt)} by {run.createdBy ?? MISSING}
            </dd>
            <dt>ran for</dt>
            <dd>{formatDuration(run.startedAt, run.finishedAt)}</dd>
          </dl>
        ) : (
          <div className="form-error">This run&apos;s stored spec is not valid any more.</div>
        )}
        {run.backend === "KUBERNETES" && run.spec && <ManifestDryRun input={{ runId: run.id }} />}
      </div>
    </>
  );
}
