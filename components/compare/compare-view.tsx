"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { ReportsPanel } from "~/components/reports/reports-panel";
import { ImportedTag } from "~/components/runs/import-provenance";
import type { BestMetric, ComparedRun, Comparison } from "~/core/compare";
import {
  cannotJudgeExplanation,
  cannotJudgeShort,
  formatCores,
  formatLatencyCi,
  formatPercentile,
  formatRateCi,
  formatSignedLatencyCi,
  formatSignedLatencyUs,
  formatSignedPercent,
  measuredOnce,
  PERCENTILE_LABELS,
} from "~/core/format/compare";
import { runColor } from "~/core/format/palette";
import { formatBytes, formatCount, formatLatencyUs, formatRate, MISSING } from "~/core/format/units";
import {
  KEY_PERCENTILE_NAMES,
  type KeyPercentile,
  MIN_REPETITIONS_FOR_DIFFERENCE,
  MIN_TAIL_SAMPLES,
  noVerdictReason,
  RECOMMENDED_REPETITIONS,
  verdictFor,
} from "~/core/verdict";
import { useTRPC } from "~/trpc/react";
import {
  PercentileBarsChart,
  ProbeHistogramChart,
  ResourceCompareChart,
  RunLegend,
  SpectrumOverlayChart,
  ThroughputCompareChart,
} from "./charts";
import { compareHref } from "./href";
import "./compare.css";

function cls(comparison: Comparison, metric: BestMetric, runId: string, extra = ""): string {
  return `num${comparison.best[metric].includes(runId) ? " best" : ""}${extra}`;
}

function OverheadCell({ run, k }: { run: ComparedRun; k: KeyPercentile }) {
  const o = run.overhead?.[k] ?? null;
  if (!o) return <td className="num">{MISSING}</td>;
  const verdict = verdictFor(o);
  const reason = noVerdictReason(o);
  const tone =
    verdict === "regressed" ? "verdict-regressed" : verdict === "improved" ? "verdict-improved" : reason ? "muted" : "";
  return (
    <td className="num" data-testid={`overhead-${k}`} data-judged={reason === null ? "yes" : "no"}>
      <span className={tone}>{formatSignedLatencyUs(o.absoluteUs)}</span> ({formatSignedPercent(o.percent)})
      <span className="ci">
        {o.absoluteCi ? formatSignedLatencyCi(o.absoluteCi) : reason ? cannotJudgeShort(reason) : MISSING}
      </span>
    </td>
  );
}

function SummaryTable({ comparison }: { comparison: Comparison }) {
  const c = comparison;
  return (
    <table className="data" data-testid="compare-summary">
      <thead>
        <tr>
          <th>Run</th>
          {KEY_PERCENTILE_NAMES.map((k) => (
            <th key={k} className="num">
              {PERCENTILE_LABELS[k]}
            </th>
          ))}
          <th className="num">Throughput</th>
          <th className="num">Δ p50</th>
          <th className="num">Δ p99</th>
          <th className="num">CPU / request</th>
          <th>Export</th>
        </tr>
      </thead>
      <tbody>
        {c.runs.map((r, i) => (
          <tr key={r.id} data-run-id={r.id}>
            <td style={{ whiteSpace: "normal" }}>
              <span className="swatch" style={{ background: runColor(i) }} />
              <Link href={`/runs/${r.id}`}>{r.name}</Link>{" "}
              {r.id === c.baselineId && <span className="badge baseline">baseline</span>}
              <ImportedTag imported={r.imported} />
              <span className="ci muted small">{r.meshLabel}</span>
            </td>
            {KEY_PERCENTILE_NAMES.map((k) => {
              const thin = !r.percentilesOnly && r.tailSamples[k] < MIN_TAIL_SAMPLES;
              return (
                <td key={k} className={cls(c, k, r.id, thin ? " thin" : "")} data-testid={`value-${k}`}>
                  {formatLatencyUs(r.latency[k].value)}
                  {thin && <span title={`fewer than ${MIN_TAIL_SAMPLES} requests above it`}> †</span>}
                  <span className="ci" data-testid={`ci-${k}`}>
                    {r.percentilesOnly ? cannotJudgeShort("percentiles-only") : formatLatencyCi(r.latency[k].ci)}
                  </span>
                </td>
              );
            })}
            <td className={cls(c, "throughput", r.id)}>
              {formatRate(r.throughput.value)}
              <span className="ci">
                {r.requestedQps === null ? "max" : `of ${r.requestedQps}`}
                {r.throughput.ci ? ` · ${formatRateCi(r.throughput.ci)}` : ""}
              </span>
              <span className={`ci${(r.errorCount ?? 0) > 0 ? " verdict-regressed" : ""}`}>
                {r.errorCount === null ? "errors unknown" : `${formatCount(r.errorCount)} error${r.errorCount === 1 ? "" : "s"}`}
                {r.errorRate && r.errorRate > 0 ? ` (${(r.errorRate * 100).toFixed(2)}%)` : ""}
              </span>
            </td>
            {r.id === c.baselineId ? (
              <>
                <td className="num muted">baseline</td>
                <td className="num muted">baseline</td>
              </>
            ) : (
              <>
                <OverheadCell run={r} k="p50" />
                <OverheadCell run={r} k="p99" />
              </>
            )}
            <td className={cls(c, "cpu", r.id)}>
              {r.cpuUsPerRequest.total === null ? MISSING : `${r.cpuUsPerRequest.total.toFixed(0)} µs`}
              <span className="ci">
                {r.cpuUsPerRequest.proxy === null ? "" : `proxies ${r.cpuUsPerRequest.proxy.toFixed(0)} µs`}
              </span>
            </td>
            <td className="small">
              SMP{" "}
              <a href={`/api/reports/smp/${r.id}?format=yaml`} download>
                yaml
              </a>{" "}
              <a href={`/api/reports/smp/${r.id}?format=json`} download>
                json
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Headline({ comparison }: { comparison: Comparison }) {
  const baseline = comparison.runs.find((r) => r.id === comparison.baselineId);
  if (!baseline) return null;
  return (
    <div className="panel headline" data-testid="compare-headline">
      {comparison.runs
        .filter((r) => r.id !== baseline.id)
        .map((r) => {
          const o = r.overhead?.p99 ?? null;
          if (!o) return null;
          const verdict = verdictFor(o);
          const reason = noVerdictReason(o);
          if (reason) {
            return (
              <p key={r.id} data-testid="headline-unjudged">
                <b>{r.name}</b> at p99: {formatSignedLatencyUs(o.absoluteUs)} ({formatSignedPercent(o.percent)}) against{" "}
                {baseline.name}. {cannotJudgeExplanation(reason, measuredOnce([r, baseline]))}
              </p>
            );
          }
          return (
            <p key={r.id}>
              <b>{r.name}</b>{" "}
              {verdict === "no change" ? (
                <>shows no p99 difference from {baseline.name} that the data can tell apart from noise:</>
              ) : (
                <>
                  {o.absoluteUs >= 0 ? "adds" : "saves"} <b>{formatLatencyUs(Math.abs(o.absoluteUs))}</b> at p99 over{" "}
                  {baseline.name}:
                </>
              )}{" "}
              {formatSignedLatencyUs(o.absoluteUs)} ({formatSignedPercent(o.percent)}), 95% CI{" "}
              {formatSignedLatencyCi(o.absoluteCi)}.
            </p>
          );
        })}
    </div>
  );
}

function Warnings({ comparison }: { comparison: Comparison }) {
  if (comparison.warnings.length === 0) return null;
  return (
    <ul className="warnings" data-testid="compare-warnings">
      {comparison.warnings.map((w) => (
        <li key={`${w.code}:${w.runIds.join(",")}`} className={`notice ${w.severity}`}>
          <span className="tag">{w.severity === "warning" ? "warning" : "note"}</span>
          {w.message}
        </li>
      ))}
    </ul>
  );
}

function SpectrumTable({ comparison }: { comparison: Comparison }) {
  const percentiles = comparison.runs[0]?.percentiles.map((p) => p.percentile) ?? [];
  return (
    <table className="data">
      <thead>
        <tr>
          <th>Percentile</th>
          <RunHeaderCells runs={comparison.runs} />
        </tr>
      </thead>
      <tbody>
        {percentiles.map((p) => (
          <tr key={p}>
            <td>{formatPercentile(p)}</td>
            {comparison.runs.map((r) => {
              const row = r.percentiles.find((x) => x.percentile === p);
              return (
                <td key={r.id} className={`num${row && !row.enoughSamples ? " thin" : ""}`}>
                  {formatLatencyUs(row?.valueUs)}
                  {row && !row.enoughSamples ? " †" : ""}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ResourcesTable({ comparison }: { comparison: Comparison }) {
  return (
    <table className="data">
      <thead>
        <tr>
          <th>Component</th>
          <RunHeaderCells runs={comparison.runs} />
        </tr>
      </thead>
      <tbody>
        {comparison.components.map((c) => (
          <tr key={c.component}>
            <td>
              {c.component} <span className="muted small">({c.role})</span>
            </td>
            {comparison.runs.map((r) => {
              const u = r.resources.find((x) => x.component === c.component);
              return (
                <td key={r.id} className="num">
                  {u ? formatCores(u.cpuCores) : <span className="muted">not in path</span>}
                  {u && <span className="ci">{formatBytes(u.maxRssBytes)} peak</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Probes({ comparison }: { comparison: Comparison }) {
  if (comparison.probes.length === 0) return null;
  return (
    <div className="panel" data-testid="compare-probes">
      <h2>Kernel probes</h2>
      {comparison.probes.map((p) => (
        <div key={p.probe} style={{ marginBottom: 16 }}>
          <h3 style={{ fontSize: 14, margin: "8px 0" }}>{p.title}</h3>
          <p className="muted small">{p.description}</p>
          <table className="data">
            <thead>
              <tr>
                <th>Figure</th>
                <RunHeaderCells runs={comparison.runs} />
              </tr>
            </thead>
            <tbody>
              {(p.runs[0]?.summary ?? []).map((k) => (
                <tr key={k.key}>
                  <td>
                    {k.label} {k.unit && <span className="muted small">({k.unit})</span>}
                  </td>
                  {p.runs.map((e) => {
                    const v = e.summary.find((s) => s.key === k.key)?.value ?? null;
                    return (
                      <td key={e.runId} className="num">
                        {!e.available ? (
                          <span className="muted">unavailable{e.reason ? `: ${e.reason}` : ""}</span>
                        ) : v === null ? (
                          MISSING
                        ) : (
                          Number(v.toPrecision(4)).toLocaleString("en-US")
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="chart-grid">
            {p.runs.map((e) => {
              const i = comparison.runs.findIndex((r) => r.id === e.runId);
              return e.histogram ? (
                <div key={e.runId}>
                  <div className="small">
                    <span className="swatch" style={{ background: runColor(i) }} />
                    {comparison.runs[i]?.name} · {formatCount(e.histogram.count)} events
                  </div>
                  <ProbeHistogramChart buckets={e.histogram.buckets} color={runColor(i)} unit={e.histogram.unit} />
                </div>
              ) : null;
            })}
          </div>
        </div>
      ))}
    </div>
  );
}

export function CompareView({
  runIds,
  baselineId,
  canOperate,
}: {
  runIds: string[];
  baselineId: string | null;
  canOperate: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const query = useQuery(trpc.compare.runs.queryOptions({ runIds, baselineId }));

  if (query.isPending) return <div className="empty">Computing the comparison…</div>;
  if (query.isError) {
    return (
      <>
        <div className="form-error" data-testid="compare-error">
          Cannot compare these runs: {query.error.message}
        </div>
        <Link className="btn" href={`/compare?pick=${runIds.join(",")}`}>
          Pick other runs
        </Link>
      </>
    );
  }
  const c = query.data;
  const exportQuery = `runs=${runIds.join(",")}${c.baselineId ? `&baseline=${c.baselineId}` : ""}`;
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Compare {c.runs.length} runs</h1>
        <span className="spacer" />
        <label className="muted" htmlFor="baseline-select">
          Overhead against
        </label>
        <select
          id="baseline-select"
          className="btn"
          value={c.baselineId ?? ""}
          onChange={(e) => router.replace(compareHref(runIds, e.target.value))}
        >
          {c.runs.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <Link className="btn" href={`/compare?pick=${runIds.join(",")}`}>
          Change runs
        </Link>
        <a className="btn" href={`/api/reports/export?${exportQuery}&format=csv`} download>
          CSV
        </a>
        <a className="btn" href={`/api/reports/export?${exportQuery}&format=json`} download>
          JSON
        </a>
        <a className="btn" href={`/api/reports/export?${exportQuery}&format=bmf`} download title="Bencher metric format">
          BMF
        </a>
        <a className="btn" href={`/api/reports/export?${exportQuery}&format=openmetrics`} download>
          OpenMetrics
        </a>
      </div>

      <Headline comparison={c} />
      <Warnings comparison={c} />

      <div className="panel">
        <h2>Summary</h2>
        <div className="table-scroll">
          <SummaryTable comparison={c} />
        </div>
        <p className="muted small" data-testid="compare-summary-note">
          Second line of a percentile: that run&apos;s own 95% sampling interval ({formatCount(c.bootstrapIterations)} seeded
          resamples over its repetitions and requests; over its requests only when it has one repetition). Green: best value. †
          fewer than {MIN_TAIL_SAMPLES} requests above that percentile. Δ: against the baseline, with the 95% interval of the
          difference, which includes run-to-run variation and so needs {MIN_REPETITIONS_FOR_DIFFERENCE} or more repetitions of
          both runs ({RECOMMENDED_REPETITIONS} recommended); red when the whole interval is above zero, green below.
        </p>
      </div>

      <div className="panel">
        <h2>Latency by percentile</h2>
        <SpectrumOverlayChart runs={c.runs} />
      </div>

      <div className="panel">
        <h2>p50, p99 and p99.9 with each run&apos;s own 95% interval</h2>
        <PercentileBarsChart runs={c.runs} />
      </div>

      <div className="chart-grid" style={{ marginBottom: 16 }}>
        <div className="panel">
          <h2>Throughput: achieved vs requested</h2>
          <ThroughputCompareChart runs={c.runs} />
          <p className="muted small">
            Dashed outline: requested rate. Filled: achieved, with its 95% interval (two or more repetitions).
          </p>
        </div>
        <div className="panel">
          <h2>Percentile spectrum</h2>
          <div className="table-scroll">
            <SpectrumTable comparison={c} />
          </div>
        </div>
      </div>

      <div className="panel">
        <h2>CPU and memory per component</h2>
        <RunLegend runs={c.runs} />
        {c.components.length === 0 ? (
          <div className="empty">No resource figures were recorded for these runs.</div>
        ) : (
          <>
            <div className="chart-grid">
              <div>
                <div className="muted small">CPU (mean cores during the measured window)</div>
                <ResourceCompareChart comparison={c} metric="cpu" testId="compare-cpu" />
              </div>
              <div>
                <div className="muted small">Memory (peak resident, stacked)</div>
                <ResourceCompareChart comparison={c} metric="memory" testId="compare-memory" />
              </div>
            </div>
            <div className="table-scroll">
              <ResourcesTable comparison={c} />
            </div>
          </>
        )}
      </div>

      <Probes comparison={c} />

      <ReportsPanel runIds={runIds} baselineId={c.baselineId} canOperate={canOperate} />
    </>
  );
}

/** One header cell per compared run: its colour swatch and name. */
function RunHeaderCells({ runs }: { runs: readonly { id: string; name: string }[] }) {
  return runs.map((r, i) => (
    <th key={r.id} className="num">
      <span className="swatch" style={{ background: runColor(i) }} />
      {r.name}
    </th>
  ));
}
