import { DASHBOARD_GATE, GATE_PERCENTILES, type Gate, type GateResult, judgeGate } from "./gates";
import { type Histogram, summarize } from "./histogram";
import type { ImportProvenance } from "./imports/provenance";
import type { ReportedLatency } from "./imports/types";
import type { RunInterference } from "./interference";
import { type BackendKind, MESHES, type MeshProfile } from "./meshes";
import type { HistBucket } from "./parsers/bpftrace";
import { isProbeName, PROBES } from "./probes";
import type { ComponentUsage } from "./result";
import type { RunSpec } from "./spec";
import {
  BOOTSTRAP_ITERATIONS,
  type BootstrapReplicates,
  CONFIDENCE,
  type DifferenceSide,
  overhead,
  type RunStatistics,
  reportedStatistics,
  runStatistics,
  seedFromString,
} from "./stats";
import { KEY_PERCENTILE_NAMES, type KeyPercentile, type NoVerdictReason, type Overhead, type Verdict } from "./verdict";
import { type ComparisonWarning, comparisonWarnings, loadGeneratorOf, specDifferences, type WarningRun } from "./warnings";

/**
 * A comparison of 1-8 finished runs: everything the compare page, the reports and the exports show,
 * computed once from plain inputs (no I/O). With one run it is a run report without overheads.
 */

export interface CompareRepetitionInput {
  iteration: number;
  requestedQps: number | null;
  actualQps: number;
  count: number;
  errorCount: number;
  errors: Record<string, number>;
  /** null for an imported result whose file kept percentiles only; then `reported` holds them. */
  histogram: Histogram | null;
  reported?: ReportedLatency | null;
  components: ComponentUsage[];
  measuredSeconds: number;
}

export interface ProbeHistogramInput {
  metric: string;
  labels: Record<string, string>;
  unit: string;
  buckets: HistBucket[];
  count: number;
}

export interface ProbeRowInput {
  probe: string;
  iteration: number | null;
  node: string;
  available: boolean;
  reason: string | null;
  summary: Record<string, number | null>;
  histograms: ProbeHistogramInput[];
}

/** Who, what and when of a run: the same in a comparison's input and in what it shows. */
interface RunIdentity {
  id: string;
  name: string;
  mesh: string;
  backend: BackendKind;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdBy: string | null;
  spec: RunSpec | null;
}

export interface CompareRunInput extends RunIdentity {
  /** What else used the machine while it measured; null where not measured (cluster or older runs). */
  interference?: RunInterference | null;
  /** Set for a run imported from another tool's file: where it came from and what it lacks. */
  imported?: ImportProvenance | null;
  repetitions: CompareRepetitionInput[];
  probes: ProbeRowInput[];
}

export interface ResourceUsage {
  component: string;
  role: ComponentUsage["role"];
  /** Mean CPU cores over repetitions; null when never measured. */
  cpuCores: number | null;
  /** Highest peak resident memory over repetitions. */
  maxRssBytes: number | null;
}

export interface RepetitionRow {
  iteration: number;
  requestedQps: number | null;
  actualQps: number;
  count: number;
  errorCount: number;
  p50Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
}

/** A run as the compare page and reports show it: its statistics plus who/what/when. */
export interface ComparedRun extends Omit<RunStatistics, "sampleCount">, RunIdentity {
  meshLabel: string;
  interference: RunInterference | null;
  loadGenerator: string;
  requestedQps: number | null;
  repetitions: number;
  /** Where an imported run came from; null for runs measured here. */
  imported: ImportProvenance | null;
  /** Imported with percentiles only: no histogram, no interval, no verdict. */
  percentilesOnly: boolean;
  /** null when an imported file had no request count (never shown as 0). */
  requestCount: number | null;
  /** null when an imported file had no error count. */
  errorCount: number | null;
  /** failed / (failed + successful); null when nothing was sent */
  errorRate: number | null;
  errorsByKind: Record<string, number>;
  /** Against the comparison's baseline; null for the baseline itself and for a one-run report. */
  overhead: Record<KeyPercentile, Overhead | null> | null;
  resources: ResourceUsage[];
  /** CPU time spent per request (µs), by all processes and by the proxies alone. */
  cpuUsPerRequest: { total: number | null; proxy: number | null };
  perRepetition: RepetitionRow[];
}

export interface ProbeRunEntry {
  runId: string;
  /** Rows found (one per repetition, or one for the run). */
  rows: number;
  available: boolean;
  reason: string | null;
  /** Median over repetitions of each summary figure. */
  summary: { key: string; label: string; unit: string; value: number | null }[];
  /** The probe's run-total histogram (labels {}), merged over repetitions; null for rate probes. */
  histogram: { metric: string; unit: string; buckets: HistBucket[]; count: number } | null;
}

export interface ProbeComparison {
  probe: string;
  title: string;
  description: string;
  unit: string;
  runs: ProbeRunEntry[];
}

export type BestMetric = "p50" | "p99" | "p999" | "throughput" | "cpu";

export interface Comparison {
  /** null for a one-run report */
  baselineId: string | null;
  confidence: number;
  bootstrapIterations: number;
  runs: ComparedRun[];
  warnings: ComparisonWarning[];
  /** Run ids holding the best value of each metric (ties included); empty with one run. */
  best: Record<BestMetric, string[]>;
  probes: ProbeComparison[];
  /** Every component seen, in a stable order (load generator, apps, proxies, control plane). */
  components: { component: string; role: ComponentUsage["role"] }[];
}

const ROLE_ORDER: ComponentUsage["role"][] = ["loadgen", "app", "proxy", "control-plane"];

function meshLabel(mesh: string): string {
  return mesh in MESHES ? MESHES[mesh as MeshProfile].label : mesh;
}

function mean(values: number[]): number | null {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function resourcesOf(reps: CompareRepetitionInput[]): ResourceUsage[] {
  const byName = new Map<string, { role: ComponentUsage["role"]; cpu: number[]; rss: number[] }>();
  for (const rep of reps) {
    for (const c of rep.components) {
      const entry = byName.get(c.component) ?? { role: c.role, cpu: [], rss: [] };
      if (c.cpuCores !== null && Number.isFinite(c.cpuCores)) entry.cpu.push(c.cpuCores);
      if (c.maxRssBytes !== null && Number.isFinite(c.maxRssBytes)) entry.rss.push(c.maxRssBytes);
      byName.set(c.component, entry);
    }
  }
  return [...byName.entries()]
    .map(([component, e]) => ({
      component,
      role: e.role,
      cpuCores: mean(e.cpu),
      maxRssBytes: e.rss.length > 0 ? Math.max(...e.rss) : null,
    }))
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.component.localeCompare(b.component));
}

/** CPU µs per successful request, per repetition, averaged; null when no CPU figure exists. */
function cpuPerRequest(reps: CompareRepetitionInput[], roles: ComponentUsage["role"][] | null): number | null {
  const perRep: number[] = [];
  for (const rep of reps) {
    const cpus = rep.components.filter((c) => (roles ? roles.includes(c.role) : true)).map((c) => c.cpuCores);
    if (cpus.length === 0 || cpus.some((c) => c === null) || rep.actualQps <= 0) continue;
    const cores = cpus.reduce<number>((a, b) => a + (b ?? 0), 0);
    perRep.push((cores / rep.actualQps) * 1_000_000);
  }
  return mean(perRep);
}

function probeComparisons(runs: CompareRunInput[]): ProbeComparison[] {
  const names = [...new Set(runs.flatMap((r) => r.probes.map((p) => p.probe)))].sort();
  return names.map((probe) => {
    const meta = isProbeName(probe) ? PROBES[probe] : null;
    const entries: ProbeRunEntry[] = runs.map((run) => {
      const rows = run.probes.filter((p) => p.probe === probe);
      const available = rows.filter((p) => p.available);
      const keys = meta
        ? meta.summary.map((s) => ({ key: s.key, label: s.label, unit: s.unit }))
        : [...new Set(available.flatMap((p) => Object.keys(p.summary)))].map((key) => ({ key, label: key, unit: "" }));
      const summary = keys.map((k) => ({
        ...k,
        value: median(
          available.map((p) => p.summary[k.key]).filter((v): v is number => typeof v === "number" && Number.isFinite(v)),
        ),
      }));
      // The run-total histogram of the probe's first histogram metric: labels {} is the total.
      let histogram: ProbeRunEntry["histogram"] = null;
      for (const row of available) {
        const total = row.histograms.find((h) => Object.keys(h.labels).length === 0) ?? row.histograms[0];
        if (!total) continue;
        if (!histogram) {
          histogram = {
            metric: total.metric,
            unit: total.unit,
            buckets: total.buckets.map((b) => ({ ...b })),
            count: total.count,
          };
          continue;
        }
        if (total.metric !== histogram.metric) continue;
        for (const b of total.buckets) {
          const same = histogram.buckets.find((x) => x.min === b.min && x.max === b.max);
          if (same) same.count += b.count;
          else histogram.buckets.push({ ...b });
        }
        histogram.count += total.count;
      }
      histogram?.buckets.sort((a, b) => (a.min ?? Number.NEGATIVE_INFINITY) - (b.min ?? Number.NEGATIVE_INFINITY));
      return {
        runId: run.id,
        rows: rows.length,
        available: available.length > 0,
        reason: available.length > 0 ? null : (rows.find((r) => r.reason)?.reason ?? (rows.length === 0 ? "not run" : null)),
        summary,
        histogram,
      };
    });
    return {
      probe,
      title: meta?.title ?? probe,
      description: meta?.description ?? "",
      unit: meta?.unit ?? "",
      runs: entries,
    };
  });
}

function bestOf(runs: ComparedRun[], value: (r: ComparedRun) => number | null, lowerIsBetter: boolean): string[] {
  if (runs.length < 2) return [];
  const scored = runs.map((r) => ({ id: r.id, v: value(r) })).filter((x): x is { id: string; v: number } => x.v !== null);
  if (scored.length < 2) return [];
  const target = lowerIsBetter ? Math.min(...scored.map((x) => x.v)) : Math.max(...scored.map((x) => x.v));
  const best = scored.filter((x) => x.v === target).map((x) => x.id);
  // A tie of every run is no "best": highlighting all of them would say nothing.
  return best.length === scored.length ? [] : best;
}

/** The run the others are measured against: the chosen one, else the first "baseline" profile run, else the first. */
export function pickBaseline(runs: { id: string; mesh: string }[], requested?: string | null): string | null {
  if (runs.length < 2) return null;
  if (requested && runs.some((r) => r.id === requested)) return requested;
  return (runs.find((r) => r.mesh === "baseline") ?? runs[0])?.id ?? null;
}

interface ComputedRun {
  run: ComparedRun;
  replicates: BootstrapReplicates | null;
}

/** A run's figures and bootstrap replicates: a pure function of the run (seeded by its id). */
export type RunStatisticsOf = (input: CompareRunInput, iterations: number) => ReturnType<typeof runStatistics>;

/** Whether any repetition kept percentiles only (an imported SMP or k6 file). */
export function isPercentilesOnly(input: Pick<CompareRunInput, "repetitions">): boolean {
  return input.repetitions.some((r) => r.histogram === null);
}

export const statisticsOfRun: RunStatisticsOf = (input, iterations) => {
  if (isPercentilesOnly(input)) {
    // An import is one repetition; the percentiles of several could not be pooled without a histogram.
    const first = input.repetitions[0];
    const reported = first?.reported ?? { percentiles: [], minUs: null, meanUs: null, maxUs: null };
    const count = input.imported?.countKnown === false ? null : input.repetitions.reduce((a, r) => a + r.count, 0);
    return reportedStatistics(
      reported,
      count,
      input.repetitions.map((r) => r.actualQps),
      input.repetitions.length,
    );
  }
  return runStatistics(
    input.repetitions.map((r) => ({ histogram: r.histogram as Histogram, actualQps: r.actualQps })),
    { seed: seedFromString(input.id), iterations },
  );
};

function computeRun(input: CompareRunInput, iterations: number, statisticsOf: RunStatisticsOf): ComputedRun {
  const reps = input.repetitions;
  const { stats, replicates } = statisticsOf(input, iterations);
  const imported = input.imported ?? null;
  const percentilesOnly = isPercentilesOnly(input);
  const requestCount = imported?.countKnown === false ? null : reps.reduce((a, r) => a + r.count, 0);
  const errorCount = imported?.errorsKnown === false ? null : reps.reduce((a, r) => a + r.errorCount, 0);
  const errorsByKind: Record<string, number> = {};
  for (const r of reps) for (const [k, n] of Object.entries(r.errors)) errorsByKind[k] = (errorsByKind[k] ?? 0) + n;
  const requestedQps = imported ? imported.requestedQps : input.spec?.mode === "fixed-rate" ? (input.spec.rate ?? null) : null;
  const { sampleCount: _sampleCount, ...statFields } = stats;
  return {
    replicates,
    run: {
      id: input.id,
      name: input.name,
      mesh: input.mesh,
      meshLabel: meshLabel(input.mesh),
      backend: input.backend,
      status: input.status,
      createdAt: input.createdAt,
      startedAt: input.startedAt,
      finishedAt: input.finishedAt,
      createdBy: input.createdBy,
      interference: input.interference ?? null,
      spec: input.spec,
      loadGenerator: loadGeneratorOf(input.backend, input.spec, imported?.tool),
      requestedQps,
      imported,
      percentilesOnly,
      requestCount,
      errorCount,
      errorRate:
        requestCount !== null && errorCount !== null && requestCount + errorCount > 0
          ? errorCount / (requestCount + errorCount)
          : null,
      errorsByKind,
      ...statFields,
      repetitions: reps.length,
      overhead: null,
      resources: resourcesOf(reps),
      cpuUsPerRequest: { total: cpuPerRequest(reps, null), proxy: cpuPerRequest(reps, ["proxy"]) },
      perRepetition: reps.map((r) => {
        const s = r.histogram ? summarize(r.histogram) : null;
        const reported = (p: number) => r.reported?.percentiles.find((x) => x.percentile === p)?.valueUs ?? null;
        return {
          iteration: r.iteration,
          requestedQps: r.requestedQps,
          actualQps: r.actualQps,
          count: r.count,
          errorCount: r.errorCount,
          p50Us: s ? s.p50Us : reported(50),
          p99Us: s ? s.p99Us : reported(99),
          p999Us: s ? s.p999Us : reported(99.9),
        };
      }),
    },
  };
}

/** One run's side of a difference at a percentile. */
function differenceSide(c: ComputedRun, k: KeyPercentile): DifferenceSide {
  return {
    value: c.run.latency[k].value,
    replicates: c.replicates?.percentiles[k] ?? null,
    repetitions: c.replicates?.repetitions ?? 0,
    percentilesOnly: c.run.percentilesOnly,
  };
}

function toWarningRun(r: ComparedRun): WarningRun {
  const rates = r.perRepetition.map((p) => p.actualQps);
  return {
    id: r.id,
    name: r.name,
    backend: r.backend,
    spec: r.spec,
    repetitions: r.repetitions,
    achievedQps: r.throughput.value,
    minAchievedQps: rates.length > 0 ? Math.min(...rates) : null,
    // Unknown counts (an imported file without them) raise no count-based warning; the import warning names them.
    requestCount: r.percentilesOnly ? 0 : (r.requestCount ?? 0),
    errorCount: r.errorCount ?? 0,
    errorsByKind: r.errorsByKind,
    tailSamples: r.tailSamples,
    interference: r.interference,
    imported: r.imported,
    percentilesOnly: r.percentilesOnly,
  };
}

export interface BuildOptions {
  baselineId?: string | null;
  iterations?: number;
  /** Where each run's statistics come from; a caller may memoize statisticsOfRun (it is pure). */
  statisticsOf?: RunStatisticsOf;
}

export function buildComparison(inputs: readonly CompareRunInput[], options: BuildOptions = {}): Comparison {
  const iterations = options.iterations ?? BOOTSTRAP_ITERATIONS;
  const computed = inputs.map((input) => computeRun(input, iterations, options.statisticsOf ?? statisticsOfRun));
  const baselineId = pickBaseline([...inputs], options.baselineId);
  const base = computed.find((c) => c.run.id === baselineId);
  if (base) {
    for (const c of computed) {
      if (c === base) continue;
      c.run.overhead = Object.fromEntries(
        KEY_PERCENTILE_NAMES.map((k) => [k, overhead(differenceSide(c, k), differenceSide(base, k))]),
      ) as Record<KeyPercentile, Overhead | null>;
    }
  }
  const runs = computed.map((c) => c.run);
  const components = new Map<string, ComponentUsage["role"]>();
  for (const r of runs) for (const c of r.resources) if (!components.has(c.component)) components.set(c.component, c.role);
  return {
    baselineId,
    confidence: CONFIDENCE,
    bootstrapIterations: iterations,
    runs,
    warnings: comparisonWarnings(runs.map(toWarningRun)),
    best: {
      p50: bestOf(runs, (r) => r.latency.p50.value, true),
      p99: bestOf(runs, (r) => r.latency.p99.value, true),
      p999: bestOf(runs, (r) => r.latency.p999.value, true),
      // at display precision: 300.4 vs 299.8 rps both read "300 rps", and neither is better
      throughput: bestOf(
        runs,
        (r) => (r.throughput.value === null ? null : Number(r.throughput.value.toFixed(r.throughput.value >= 100 ? 0 : 1))),
        false,
      ),
      cpu: bestOf(runs, (r) => r.cpuUsPerRequest.total, true),
    },
    probes: probeComparisons([...inputs]),
    components: [...components.entries()]
      .map(([component, role]) => ({ component, role }))
      .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.component.localeCompare(b.component)),
  };
}

// ---------------------------------------------------------------------------------------------
// Regression against a profile's baseline run

export interface RegressionResult {
  runId: string;
  baselineRunId: string;
  /** p99 of the run and of the baseline, µs */
  p99Us: number | null;
  baselineP99Us: number | null;
  change: Overhead | null;
  /** null when it cannot be decided (see noVerdictReason); "not comparable" when the specs differ. */
  verdict: Verdict | "not comparable" | null;
  /** Why verdict is null (e.g. a run measured with one repetition); null whenever there is a verdict. */
  noVerdictReason: NoVerdictReason | null;
  /** Spec fields that differ (e.g. "Load"), which make the verdict "not comparable". */
  differences: string[];
  /** The gate behind the verdict (the dashboard's: DASHBOARD_GATE), with its explanation. */
  gate: GateResult;
}

/** A run's gates against a baseline, and the spec fields that make the two not comparable. */
export interface GatesJudgement {
  runId: string;
  baselineRunId: string;
  results: GateResult[];
  /** Spec fields that differ (e.g. "Load"); non-empty means the gates' verdicts compare unlike runs. */
  differences: string[];
}

/**
 * Each gate's verdict on the run against the baseline (core/gates.ts's rule): the CLI's CI gates
 * and the dashboard's regression view both come through here, so they cannot disagree.
 */
export function judgeGates(
  run: CompareRunInput,
  baseline: CompareRunInput,
  gates: readonly Gate[],
  {
    iterations = BOOTSTRAP_ITERATIONS,
    statisticsOf = statisticsOfRun,
  }: { iterations?: number; statisticsOf?: RunStatisticsOf } = {},
): GatesJudgement {
  const a = computeRun(run, iterations, statisticsOf);
  const b = computeRun(baseline, iterations, statisticsOf);
  const results = gates.map((gate) => {
    const k = GATE_PERCENTILES[gate.percentile];
    return judgeGate(
      gate,
      overhead(differenceSide(a, k), differenceSide(b, k)),
      { name: run.name, tailSamples: a.run.tailSamples[k] },
      { name: baseline.name, tailSamples: b.run.tailSamples[k] },
      { runUs: a.run.latency[k].value, baselineUs: b.run.latency[k].value },
    );
  });
  // A run with percentiles only cannot be judged at all: that, not a difference of spec, is the reason.
  const percentilesOnly = a.run.percentilesOnly || b.run.percentilesOnly;
  return {
    runId: run.id,
    baselineRunId: baseline.id,
    results,
    differences: percentilesOnly ? [] : specDifferences(toWarningRun(a.run), toWarningRun(b.run)),
  };
}

/**
 * The dashboard's regression verdict: the run's p99 against its profile's baseline under
 * DASHBOARD_GATE. No verdict (and the reason) when either run has a single repetition or too few
 * requests above p99: its p99 alone cannot say whether the next run of the same spec would land as
 * far from the baseline.
 */
export function regression(
  run: CompareRunInput,
  baseline: CompareRunInput,
  options: { iterations?: number; statisticsOf?: RunStatisticsOf } = {},
): RegressionResult {
  const judged = judgeGates(run, baseline, [DASHBOARD_GATE], options);
  const gate = judged.results[0];
  if (!gate) throw new Error("judgeGates returned no result for the dashboard gate");
  const { differences } = judged;
  return {
    runId: run.id,
    baselineRunId: baseline.id,
    p99Us: gate.runUs,
    baselineP99Us: gate.baselineUs,
    change: gate.change,
    verdict: differences.length > 0 ? "not comparable" : gate.verdict === "not enough data" ? null : gate.verdict,
    noVerdictReason: differences.length > 0 ? null : gate.noVerdictReason,
    differences,
    gate,
  };
}
