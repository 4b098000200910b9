import type { BestMetric, ComparedRun, Comparison } from "~/core/compare";
import {
  cannotJudgeExplanation,
  cannotJudgeShort,
  cannotJudgeText,
  formatCores,
  formatLatencyCi,
  formatPercentile,
  formatRateCi,
  formatSignedLatencyCi,
  formatSignedLatencyUs,
  formatSignedPercent,
  formatSignedPercentCi,
  measuredOnce,
  PERCENTILE_LABELS,
  REPETITIONS_ADVICE,
} from "~/core/format/compare";
import { componentColors, runColor } from "~/core/format/palette";
import { formatBytes, formatCount, formatLatencyUs, formatRate, MISSING } from "~/core/format/units";
import { describeProvenance } from "~/core/imports/provenance";
import {
  KEY_PERCENTILE_NAMES,
  type KeyPercentile,
  MIN_REPETITIONS_FOR_DIFFERENCE,
  MIN_TAIL_SAMPLES,
  noVerdictReason,
  verdictFor,
} from "~/core/verdict";
import type { ReportEnvironment } from "./environment";
import { html, type Part, type SafeHtml, unsafeRaw } from "./html-template";
import { percentileBarsChart, probeHistogramsChart, spectrumChart, stackedBarsChart, throughputChart } from "./svg-charts";

/**
 * The report document: one self-contained HTML file (inline CSS, inline SVG, no script, no
 * external reference of any kind), readable on screen and printed to PDF by Chromium with a page
 * break before every section.
 */

export interface ReportDocumentInput {
  title: string;
  generatedAt: Date;
  generatedBy: string | null;
  comparison: Comparison;
  environment: ReportEnvironment | null;
  reportId?: string;
}

export interface ReportSection {
  id: string;
  title: string;
}

/** The sections, in order; the kernel probe section only when a compared run has probe results. */
export function reportSections(comparison: Comparison): ReportSection[] {
  return [
    { id: "summary", title: "Summary" },
    { id: "environment", title: "Environment and specification" },
    { id: "methodology", title: "Methodology" },
    { id: "results", title: "Results" },
    { id: "charts", title: "Latency and throughput charts" },
    { id: "resources", title: "CPU and memory per component" },
    ...(comparison.probes.length > 0 ? [{ id: "probes", title: "Kernel probes" }] : []),
    { id: "warnings", title: "Warnings" },
  ];
}

const CSS = `
@page { size: A4; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #1f2328; font: 10pt/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 780px; margin: 0 auto; padding: 28px 16px; }
@media print { main { max-width: none; padding: 0; } }
section + section { break-before: page; page-break-before: always; }
@media screen { section + section { border-top: 2px solid #d0d7de; margin-top: 36px; padding-top: 12px; } }
h1 { font-size: 20pt; line-height: 1.2; margin: 4px 0 6px; }
h2 { font-size: 14pt; margin: 0 0 10px; border-bottom: 2px solid #0969da; padding-bottom: 4px; }
h3 { font-size: 11pt; margin: 18px 0 6px; break-after: avoid; page-break-after: avoid; }
p { margin: 6px 0; }
.brand { color: #0969da; font-weight: bold; letter-spacing: 0.3px; font-size: 9pt; text-transform: uppercase; }
.meta, .muted, .note { color: #59636e; }
.note { font-size: 8.5pt; }
.headline { border: 1px solid #0969da; background: #f0f6ff; border-radius: 6px; padding: 10px 14px; margin: 14px 0; }
.headline p { margin: 4px 0; }
.callout { border-left: 4px solid #9a6700; background: #fff8e5; padding: 8px 12px; margin: 12px 0; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; font-size: 8.5pt; break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { color: #59636e; font-weight: bold; font-size: 7.5pt; text-transform: uppercase; letter-spacing: 0.3px; background: #f6f8fa; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td .ci { display: block; color: #59636e; font-size: 7.5pt; white-space: nowrap; }
td.best { font-weight: bold; background: #e9f7ee; }
td.thin { color: #8c959f; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
.runname { font-weight: bold; }
.profile { display: block; color: #59636e; font-size: 7.5pt; }
figure { margin: 10px 0 16px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 8.5pt; color: #59636e; margin-top: 2px; }
svg.chart { width: 100%; height: auto; display: block; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; font-size: 9pt; }
dl.kv dt { color: #59636e; }
dl.kv dd { margin: 0; }
ol.toc { margin: 6px 0 0 18px; padding: 0; columns: 2; font-size: 9pt; }
ul.warnings { padding-left: 0; list-style: none; }
ul.warnings li { border-left: 4px solid #9a6700; background: #fff8e5; padding: 6px 10px; margin: 0 0 8px; break-inside: avoid; }
ul.warnings li.info { border-color: #0969da; background: #f0f6ff; }
.tag { display: inline-block; font-size: 7pt; font-weight: bold; text-transform: uppercase; padding: 0 5px; border-radius: 3px; margin-right: 6px; color: #fff; background: #9a6700; }
li.info .tag { background: #0969da; }
.verdict-regressed { color: #cf222e; font-weight: bold; }
.verdict-improved { color: #1a7f37; font-weight: bold; }
.unjudged { border-left: 4px solid #9a6700; padding-left: 8px; }
`;

const UTC_FORMAT = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "medium" });

export function formatUtc(d: Date | null | undefined): string {
  return d ? `${UTC_FORMAT.format(d)} UTC` : MISSING;
}

function swatch(color: string): SafeHtml {
  return html`<span class="swatch" style="background:${color}"></span>`;
}

/** A run's load as its spec set it, or as an imported file stated it. */
function loadText(r: ComparedRun): string {
  if (r.imported)
    return r.imported.requestedQps === null ? `not in the ${r.imported.tool} file` : `${r.imported.requestedQps} req/s`;
  return r.spec ? (r.spec.mode === "max" ? "max throughput" : `${r.spec.rate} req/s`) : MISSING;
}

function runCell(run: ComparedRun, index: number, baselineId: string | null): SafeHtml {
  return html`<td>${swatch(runColor(index))}<span class="runname">${run.name}</span>${run.id === baselineId ? " (baseline)" : ""}<span class="profile">${run.meshLabel}</span>${run.imported ? html`<span class="profile">${describeProvenance(run.imported)}${run.percentilesOnly ? "; percentiles only" : ""}</span>` : ""}</td>`;
}

function bestClass(comparison: Comparison, metric: BestMetric, runId: string): string {
  return comparison.best[metric].includes(runId) ? "num best" : "num";
}

function estimateCell(comparison: Comparison, run: ComparedRun, key: KeyPercentile): SafeHtml {
  const e = run.latency[key];
  const thin = !run.percentilesOnly && run.tailSamples[key] < MIN_TAIL_SAMPLES;
  return html`<td class="${bestClass(comparison, key, run.id)}${thin ? " thin" : ""}">${formatLatencyUs(e.value)}${thin ? " †" : ""}<span class="ci">${e.ci ? formatLatencyCi(e.ci) : run.percentilesOnly ? cannotJudgeShort("percentiles-only") : ""}</span></td>`;
}

function overheadCell(run: ComparedRun, key: KeyPercentile): SafeHtml {
  const o = run.overhead?.[key] ?? null;
  if (!o) return html`<td class="num">${MISSING}</td>`;
  const verdict = verdictFor(o);
  const reason = noVerdictReason(o);
  const cls = verdict === "regressed" ? "verdict-regressed" : verdict === "improved" ? "verdict-improved" : reason ? "muted" : "";
  return html`<td class="num"><span class="${cls}">${formatSignedLatencyUs(o.absoluteUs)}</span> (${formatSignedPercent(o.percent)})<span class="ci">${o.absoluteCi ? formatSignedLatencyCi(o.absoluteCi) : reason ? cannotJudgeShort(reason) : ""}</span></td>`;
}

/** One sentence per run against the baseline: the answer to "what did it cost?". */
function headlineSentence(run: ComparedRun, baseline: ComparedRun): SafeHtml {
  const p99 = run.overhead?.p99 ?? null;
  const p50 = run.overhead?.p50 ?? null;
  if (!p99) return html`<p><b>${run.name}</b>: no latency to compare with <b>${baseline.name}</b>.</p>`;
  const reason = noVerdictReason(p99);
  if (reason) {
    const p50Point = p50 ? html` At p50: ${formatSignedLatencyUs(p50.absoluteUs)} (${formatSignedPercent(p50.percent)}).` : "";
    return html`<p class="unjudged"><b>${run.name}</b> at p99: ${formatSignedLatencyUs(p99.absoluteUs)} (${formatSignedPercent(p99.percent)}) against <b>${baseline.name}</b>.${p50Point} ${cannotJudgeExplanation(reason, measuredOnce([run, baseline]))}</p>`;
  }
  const verdict = verdictFor(p99);
  const ci = p99.absoluteCi ? html`, 95% CI ${formatSignedLatencyCi(p99.absoluteCi)}` : "";
  const p50Text = p50
    ? html` At p50 the difference is ${formatSignedLatencyUs(p50.absoluteUs)} (${formatSignedPercent(p50.percent)}).`
    : "";
  if (verdict === "no change") {
    return html`<p><b>${run.name}</b> shows no difference at p99 from <b>${baseline.name}</b> that the data can tell apart from noise: ${formatSignedLatencyUs(p99.absoluteUs)} (${formatSignedPercent(p99.percent)}${ci}).${p50Text}</p>`;
  }
  const verb = p99.absoluteUs >= 0 ? "adds" : "saves";
  return html`<p><b>${run.name}</b> ${verb} <b>${formatLatencyUs(Math.abs(p99.absoluteUs))}</b> at p99 compared with <b>${baseline.name}</b> (${formatSignedPercent(p99.percent)}${ci}).${p50Text}</p>`;
}

function sectionHeading(sections: ReportSection[], id: string): SafeHtml {
  const index = sections.findIndex((s) => s.id === id);
  return html`<h2>${index + 1}. ${sections[index]?.title ?? id}</h2>`;
}

function summarySection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  const baseline = c.runs.find((r) => r.id === c.baselineId) ?? null;
  const others = c.runs.filter((r) => r.id !== c.baselineId);
  const warnings = c.warnings.filter((w) => w.severity === "warning").length;
  const infos = c.warnings.length - warnings;
  return html`<section id="summary">
<div class="brand">MeshBench benchmark report</div>
<h1>${input.title}</h1>
<p class="meta">Generated ${formatUtc(input.generatedAt)}${input.generatedBy ? html` by ${input.generatedBy}` : ""} · ${c.runs.length} run${c.runs.length === 1 ? "" : "s"}${input.reportId ? html` · report ${input.reportId}` : ""}</p>
${
  baseline && others.length > 0
    ? html`<div class="headline">${others.map((r) => headlineSentence(r, baseline))}<p class="note">Overheads are against <b>${baseline.name}</b>; the interval of a difference is a 95% interval that includes run-to-run variation, so it needs ${MIN_REPETITIONS_FOR_DIFFERENCE} or more repetitions of both runs (section ${sections.findIndex((s) => s.id === "methodology") + 1}).</p></div>`
    : ""
}
${
  c.warnings.length > 0
    ? html`<div class="callout"><b>${[warnings > 0 ? `${warnings} warning${warnings === 1 ? "" : "s"}` : "", infos > 0 ? `${infos} note${infos === 1 ? "" : "s"}` : ""].filter(Boolean).join(" and ")}</b> about how these runs were measured: read section ${sections.findIndex((s) => s.id === "warnings") + 1}${warnings > 0 ? " before drawing conclusions" : ""}.</div>`
    : ""
}
<h3>Key figures</h3>
<table>
<thead><tr><th>Run</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">Throughput</th>${baseline ? html`<th class="num">p99 vs baseline</th>` : ""}</tr></thead>
<tbody>
${c.runs.map(
  (r, i) =>
    html`<tr>${runCell(r, i, c.baselineId)}${KEY_PERCENTILE_NAMES.map((k) => estimateCell(c, r, k))}<td class="${bestClass(c, "throughput", r.id)}">${formatRate(r.throughput.value)}<span class="ci">${r.requestedQps === null ? "max throughput" : `of ${r.requestedQps} requested`}</span></td>${baseline ? (r.id === baseline.id ? html`<td class="num">baseline</td>` : overheadCell(r, "p99")) : ""}</tr>`,
)}
</tbody>
</table>
<p class="note">Second line of a percentile: that run's own 95% sampling interval (over its requests only when it has one repetition). Second line of the difference: its 95% interval, or why it has none. Bold on green: best value. † fewer than ${MIN_TAIL_SAMPLES} requests above this percentile.</p>
<h3>Runs</h3>
<table>
<thead><tr><th>Run</th><th>Profile</th><th>Load</th><th class="num">Repetitions</th><th>Finished</th><th>Run id</th></tr></thead>
<tbody>${c.runs.map(
    (r, i) =>
      html`<tr><td>${swatch(runColor(i))}${r.name}${r.imported ? html`<span class="profile">${describeProvenance(r.imported)}, uploaded by ${r.imported.uploadedBy ?? MISSING} on ${formatUtc(new Date(r.imported.uploadedAt))}</span>` : ""}</td><td>${r.mesh}</td><td>${loadText(r)}</td><td class="num">${r.repetitions}</td><td>${formatUtc(r.finishedAt)}</td><td class="muted">${r.id}</td></tr>`,
  )}</tbody>
</table>
<h3>Contents</h3>
<ol class="toc">${sections.map((s) => html`<li>${s.title}</li>`)}</ol>
</section>`;
}

function environmentSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  const env = input.environment;
  const field = (label: string, value: (r: ComparedRun) => Part) =>
    html`<tr><th>${label}</th>${c.runs.map((r) => html`<td>${value(r)}</td>`)}</tr>`;
  return html`<section id="environment">
${sectionHeading(sections, "environment")}
<h3>Specification of each run</h3>
<table>
<thead><tr><th></th>${c.runs.map((r, i) => html`<th>${swatch(runColor(i))}${r.name}</th>`)}</tr></thead>
<tbody>
${field("Backend", (r) => (r.backend === "LOCAL" ? "local (processes on the worker host)" : "Kubernetes"))}
${field("Mesh profile", (r) => html`${r.mesh}<span class="profile">${r.meshLabel}</span>`)}
${field("Load generator", (r) => r.loadGenerator)}
${field("Load", loadText)}
${field("Connections", (r) => r.spec?.connections ?? MISSING)}
${field("Duration", (r) => (r.spec ? `${r.spec.durationSeconds} s` : MISSING))}
${field("Warm-up", (r) => (r.spec ? `${r.spec.warmupSeconds} s (discarded)` : MISSING))}
${field("Response payload", (r) => (r.spec ? formatBytes(r.spec.payloadBytes) : MISSING))}
${field("Repetitions", (r) => r.repetitions)}
${field("Kernel probes", (r) => {
  // Read defensively: the spec's probe list is newer than some stored runs.
  const probes = (r.spec as { probes?: unknown } | null)?.probes;
  return Array.isArray(probes) && probes.length > 0 ? probes.join(", ") : "none";
})}
${field("Started", (r) => formatUtc(r.startedAt))}
${field("Finished", (r) => formatUtc(r.finishedAt))}
${field("Created by", (r) => r.createdBy ?? MISSING)}
</tbody>
</table>
<h3>Host</h3>
${
  env
    ? html`<dl class="kv">
<dt>Host name</dt><dd>${env.hostname}</dd>
<dt>Operating system</dt><dd>${env.os}, kernel ${env.kernel}</dd>
<dt>CPU</dt><dd>${env.cpuCount} × ${env.cpuModel ?? "unknown model"}</dd>
<dt>Memory</dt><dd>${formatBytes(env.memoryBytes)}</dd>
${env.software.map((s) => html`<dt>${s.name}</dt><dd>${s.version ?? "not installed"}</dd>`)}
</dl>
<p class="note">Recorded when this report was generated, on the worker host. Local runs ran on this host; if its software changed since a run, the run used the version installed then.</p>`
    : html`<p class="muted">Not recorded.</p>`
}
</section>`;
}

function methodologySection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  const openLoop = c.runs.some((r) => r.spec?.mode !== "max");
  const closedLoop = c.runs.some((r) => r.spec?.mode === "max");
  return html`<section id="methodology">
${sectionHeading(sections, "methodology")}
<h3>Load</h3>
${openLoop ? html`<p><b>Open loop at a fixed rate.</b> Request <i>i</i> is due at t₀ + i / rate. MeshBench's built-in generator (local runs) times a request that fell due while every connection was busy from that intended time, so a stalled server shows up in the tail instead of silently slowing the load generator down (no coordinated omission); any other delay before a send is the generator's own (timer jitter, a busy event loop) and is not counted as server latency. fortio (cluster runs, <code>-uniform -nocatchup</code>) is not open loop: it is closed loop per connection with pacing. Each connection sends, waits for the answer, then waits for its next slot, skipping a missed one; every request is timed from its actual send, so its latencies are not corrected for coordinated omission: a stall lowers the achieved rate, which is flagged, rather than showing in the tail.</p>` : ""}
${closedLoop ? html`<p><b>Closed loop at maximum throughput.</b> Each connection sends its next request when the previous one completes; latency is measured per request and throughput is what the system sustained.</p>` : ""}
<p>Every repetition starts with a warm-up whose requests are sent but not recorded. Failed requests are counted by kind and are not part of the latency figures.</p>
<h3>Latency</h3>
<p>Every request's latency goes into an HDR histogram (1 µs to 1 hour, 3 significant digits, so any value is within 0.1%). Histograms are stored whole. The repetitions of a run are merged by adding their histograms; percentiles are never averaged. Each figure in this report is recomputed from those histograms.</p>
<h3>Confidence intervals</h3>
<p>Intervals are 95% bootstrap intervals from ${formatCount(c.bootstrapIterations)} seeded resamples (the same figures every time a report is generated). The bootstrap has two stages, matching how the data was taken: repetitions are resampled with replacement (run-to-run variation), then requests are resampled from the pooled histogram of the chosen repetitions (sampling error). The second stage is exact without drawing the requests one by one: the k-th smallest of N resampled requests is the histogram's value at a Beta(k, N − k + 1) distributed quantile.</p>
<p>A run's own interval with one repetition reflects only the sampling of its requests, not run-to-run variation; with several it also covers the variation between its repetitions. Throughput intervals need at least two repetitions: the bootstrap gives the standard error of the mean rate and the interval uses Student's t, so with few repetitions it is honestly wide.</p>
<p>A percentile with fewer than ${MIN_TAIL_SAMPLES} requests above it (marked †) rests on a handful of requests; its interval may not cover the true value as often as claimed.</p>
<h3>Overhead against the baseline</h3>
<p>Overhead is the run's percentile minus the baseline's, in absolute time and as a percentage of the baseline. Two runs of the same spec differ by more than the sampling of their requests (the machine, the processes' start-up and placement change from run to run), so the interval of a difference must include run-to-run variation. It is point ± t · SE: the standard error from both runs' independent bootstrap resamples, each corrected for its few repetitions, and Student's t with Welch–Satterthwaite degrees of freedom; with few repetitions it is honestly wide. A run with a single repetition has no measure of run-to-run variation, so a difference involving it gets no interval and no verdict: ${cannotJudgeText("single-repetition")}. ${REPETITIONS_ADVICE}</p>
<p>A difference whose whole interval lies above zero is a regression (slower), below zero an improvement; an interval that contains zero means the data cannot tell the runs apart.</p>
<h3>Resources</h3>
<p>CPU is the mean number of cores each process used during the measured window, and memory its peak resident set, both read from the process's /proc entries several times a second (local backend). CPU per request is all processes' CPU time divided by the requests completed. A figure that could not be measured is shown as “${MISSING}”, never as zero.</p>
</section>`;
}

function resultsSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  const baseline = c.runs.find((r) => r.id === c.baselineId) ?? null;
  const allPercentiles = c.runs[0]?.percentiles.map((p) => p.percentile) ?? [];
  return html`<section id="results">
${sectionHeading(sections, "results")}
<h3>Latency with each run's own 95% interval</h3>
<table>
<thead><tr><th>Run</th>${KEY_PERCENTILE_NAMES.map((k) => html`<th class="num">${PERCENTILE_LABELS[k]}</th>`)}<th class="num">mean</th><th class="num">max</th><th class="num">requests</th></tr></thead>
<tbody>${c.runs.map(
    (r, i) =>
      html`<tr>${runCell(r, i, c.baselineId)}${KEY_PERCENTILE_NAMES.map((k) => estimateCell(c, r, k))}<td class="num">${formatLatencyUs(r.summary?.meanUs)}</td><td class="num">${formatLatencyUs(r.summary?.maxUs)}</td><td class="num">${formatCount(r.requestCount)}</td></tr>`,
  )}</tbody>
</table>
${
  baseline
    ? html`<h3>Overhead against ${baseline.name}</h3>
<table>
<thead><tr><th>Run</th>${KEY_PERCENTILE_NAMES.map((k) => html`<th class="num">${PERCENTILE_LABELS[k]} overhead</th><th class="num">%, 95% CI</th>`)}</tr></thead>
<tbody>${c.runs
        .filter((r) => r.id !== baseline.id)
        .map(
          (r) =>
            html`<tr>${runCell(r, c.runs.indexOf(r), c.baselineId)}${KEY_PERCENTILE_NAMES.map((k) => {
              const o = r.overhead?.[k] ?? null;
              return html`${overheadCell(r, k)}<td class="num">${formatSignedPercent(o?.percent)}<span class="ci">${formatSignedPercentCi(o?.percentCi)}</span></td>`;
            })}</tr>`,
        )}</tbody>
</table>
<p class="note">Red: the whole interval is above zero (slower than the baseline). Green: below zero (faster). No interval with a single-repetition run: ${cannotJudgeText("single-repetition")}.</p>`
    : ""
}
<h3>Percentile spectrum</h3>
<table>
<thead><tr><th>Percentile</th>${c.runs.map((r, i) => html`<th class="num">${swatch(runColor(i))}${r.name}</th>`)}</tr></thead>
<tbody>${allPercentiles.map(
    (p) =>
      html`<tr><td>${formatPercentile(p)}</td>${c.runs.map((r) => {
        const row = r.percentiles.find((x) => x.percentile === p);
        return html`<td class="num${row && !row.enoughSamples ? " thin" : ""}">${formatLatencyUs(row?.valueUs)}${row && !row.enoughSamples ? " †" : ""}</td>`;
      })}</tr>`,
  )}</tbody>
</table>
<p class="note">† fewer than ${MIN_TAIL_SAMPLES} requests above this percentile: it is close to the maximum and says little.</p>
<h3>Throughput and errors</h3>
<table>
<thead><tr><th>Run</th><th class="num">requested</th><th class="num">achieved</th><th class="num">95% CI</th><th class="num">requests</th><th class="num">errors</th><th class="num">error rate</th></tr></thead>
<tbody>${c.runs.map(
    (r, i) =>
      html`<tr>${runCell(r, i, c.baselineId)}<td class="num">${r.requestedQps === null ? "max" : formatRate(r.requestedQps)}</td><td class="${bestClass(c, "throughput", r.id)}">${formatRate(r.throughput.value)}</td><td class="num">${formatRateCi(r.throughput.ci)}</td><td class="num">${formatCount(r.requestCount)}</td><td class="num">${formatCount(r.errorCount)}</td><td class="num">${r.errorRate === null ? MISSING : `${(r.errorRate * 100).toFixed(2)}%`}</td></tr>`,
  )}</tbody>
</table>
<h3>Repetitions</h3>
<table>
<thead><tr><th>Run</th><th class="num">#</th><th class="num">achieved</th><th class="num">requests</th><th class="num">errors</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th></tr></thead>
<tbody>${c.runs.flatMap((r, i) =>
    r.perRepetition.map(
      (rep) =>
        html`<tr><td>${swatch(runColor(i))}${r.name}</td><td class="num">${rep.iteration}</td><td class="num">${formatRate(rep.actualQps)}</td><td class="num">${formatCount(rep.count)}</td><td class="num">${formatCount(rep.errorCount)}</td><td class="num">${formatLatencyUs(rep.p50Us)}</td><td class="num">${formatLatencyUs(rep.p99Us)}</td><td class="num">${formatLatencyUs(rep.p999Us)}</td></tr>`,
    ),
  )}</tbody>
</table>
</section>`;
}

function chartsSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  return html`<section id="charts">
${sectionHeading(sections, "charts")}
<figure>${spectrumChart(c.runs.map((r, i) => ({ name: r.name, color: runColor(i), points: r.spectrum })))}
<figcaption>Latency by percentile, merged over repetitions. The axis is logarithmic in the tail: each step to the right is ten times rarer. Lines end where the data runs out.</figcaption></figure>
<figure>${percentileBarsChart(c.runs.map((r, i) => ({ name: r.name, color: runColor(i), latency: r.latency })))}
<figcaption>p50, p99 and p99.9, each on its own scale, with each run's own 95% interval (a difference between runs is judged in the results section, not by overlapping whiskers).</figcaption></figure>
<figure>${throughputChart(c.runs.map((r, i) => ({ name: r.name, color: runColor(i), requested: r.requestedQps, achieved: r.throughput })))}
<figcaption>Throughput achieved against the rate requested. A fixed-rate run that falls short could not keep up.</figcaption></figure>
</section>`;
}

function resourcesSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  const colors = componentColors(c.components);
  const components = c.components.map((x) => ({ component: x.component, color: colors.get(x.component) ?? "#888" }));
  const stacked = (pick: (u: ComparedRun["resources"][number]) => number | null) =>
    c.runs.map((r, i) => ({
      name: r.name,
      color: runColor(i),
      segments: c.components.flatMap((x) => {
        const usage = r.resources.find((u) => u.component === x.component);
        return usage ? [{ component: x.component, value: pick(usage) }] : [];
      }),
    }));
  const anyCpu = c.runs.some((r) => r.resources.some((u) => u.cpuCores !== null));
  const anyMem = c.runs.some((r) => r.resources.some((u) => u.maxRssBytes !== null));
  return html`<section id="resources">
${sectionHeading(sections, "resources")}
${
  c.components.length === 0
    ? html`<p class="muted">No resource figures were recorded for these runs.</p>`
    : html`${
        anyCpu
          ? html`<figure>${stackedBarsChart(
              stacked((u) => u.cpuCores),
              components,
              { title: "CPU", unit: "cores" },
            )}<figcaption>Mean CPU cores used per process during the measured window, averaged over repetitions.</figcaption></figure>`
          : ""
      }
${
  anyMem
    ? html`<figure>${stackedBarsChart(
        stacked((u) => u.maxRssBytes),
        components,
        { title: "Memory", unit: "MiB, sum of peaks", scale: 1 / 1024 / 1024 },
      )}<figcaption>Peak resident memory per process (highest over repetitions), stacked. * some component not measured.</figcaption></figure>`
    : ""
}
<table>
<thead><tr><th>Component</th><th>Role</th>${c.runs.map((r, i) => html`<th class="num">${swatch(runColor(i))}${r.name}</th>`)}</tr></thead>
<tbody>${c.components.map(
        (x) =>
          html`<tr><td>${swatch(colors.get(x.component) ?? "#888")}${x.component}</td><td>${x.role}</td>${c.runs.map((r) => {
            const u = r.resources.find((v) => v.component === x.component);
            return u
              ? html`<td class="num">${formatCores(u.cpuCores)}<span class="ci">${formatBytes(u.maxRssBytes)} peak</span></td>`
              : html`<td class="num muted">not in path</td>`;
          })}</tr>`,
      )}
<tr><td><b>CPU per request</b></td><td>all</td>${c.runs.map((r) => html`<td class="${bestClass(c, "cpu", r.id)}">${r.cpuUsPerRequest.total === null ? MISSING : `${r.cpuUsPerRequest.total.toFixed(0)} µs`}</td>`)}</tr>
<tr><td><b>CPU per request</b></td><td>proxies</td>${c.runs.map((r) => html`<td class="num">${r.cpuUsPerRequest.proxy === null ? MISSING : `${r.cpuUsPerRequest.proxy.toFixed(0)} µs`}</td>`)}</tr>
</tbody>
</table>`
}
</section>`;
}

function probesSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  return html`<section id="probes">
${sectionHeading(sections, "probes")}
<p class="muted">Measured with eBPF (bpftrace) on the host while each run executed. Host-wide probes also see everything else the machine did.</p>
${c.probes.map((p) => {
  const panels = p.runs.flatMap((e) => {
    const i = c.runs.findIndex((r) => r.id === e.runId);
    const run = c.runs[i];
    return e.histogram && run
      ? [{ name: run.name, color: runColor(i), buckets: e.histogram.buckets, count: e.histogram.count }]
      : [];
  });
  const keys = p.runs[0]?.summary ?? [];
  return html`<h3>${p.title}</h3>
<p class="note">${p.description}</p>
<table>
<thead><tr><th>Figure</th>${c.runs.map((r, i) => html`<th class="num">${swatch(runColor(i))}${r.name}</th>`)}</tr></thead>
<tbody>
${keys.map(
  (k) =>
    html`<tr><td>${k.label}${k.unit ? html` <span class="muted">(${k.unit})</span>` : ""}</td>${p.runs.map((e) => {
      if (!e.available) return html`<td class="num muted">${e.reason ? `unavailable: ${e.reason}` : "unavailable"}</td>`;
      const v = e.summary.find((s) => s.key === k.key)?.value ?? null;
      return html`<td class="num">${v === null ? MISSING : Number(v.toPrecision(4)).toLocaleString("en-US")}</td>`;
    })}</tr>`,
)}
</tbody>
</table>
${panels.length > 0 ? html`<figure>${probeHistogramsChart(panels, p.runs.find((e) => e.histogram)?.histogram?.unit ?? p.unit, p.title)}<figcaption>${p.title}: share of events per bucket, same scale for every run.</figcaption></figure>` : ""}`;
})}
</section>`;
}

function warningsSection(input: ReportDocumentInput, sections: ReportSection[]): SafeHtml {
  const c = input.comparison;
  return html`<section id="warnings">
${sectionHeading(sections, "warnings")}
${
  c.warnings.length === 0
    ? html`<p>None: the runs were measured the same way, reached their requested rate, had no failed requests and enough requests for every percentile shown.</p>`
    : html`<ul class="warnings">${c.warnings.map((w) => html`<li class="${w.severity}"><span class="tag">${w.severity === "warning" ? "warning" : "note"}</span>${w.message}</li>`)}</ul>`
}
<p class="note">Generated by MeshBench${input.reportId ? html`, report ${input.reportId}` : ""}. Every figure in this document can be recomputed from the stored histograms.</p>
</section>`;
}

export function renderReportHtml(input: ReportDocumentInput): string {
  const sections = reportSections(input.comparison);
  const body: Record<string, (i: ReportDocumentInput, s: ReportSection[]) => SafeHtml> = {
    summary: summarySection,
    environment: environmentSection,
    methodology: methodologySection,
    results: resultsSection,
    charts: chartsSection,
    resources: resourcesSection,
    probes: probesSection,
    warnings: warningsSection,
  };
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="MeshBench">
<title>${input.title}</title>
<style>${unsafeRaw(CSS)}</style>
</head>
<body>
<main>
${sections.map((s) => body[s.id]?.(input, sections) ?? "")}
</main>
</body>
</html>
`;
  return doc.value;
}
