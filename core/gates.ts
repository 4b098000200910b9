import { z } from "zod";
import type { KeyPercentile, NoVerdictReason, Overhead, Verdict } from "./verdict";

/**
 * Gates: the rule that turns a difference against a baseline into "regressed", "improved",
 * "no change" or "not enough data", for the CLI's CI gates and the dashboard's regression view
 * alike. Pure and free of the HDR library, so the CLI can validate gates without loading it.
 *
 * A gate names a percentile and a minimum effect (relative to the baseline's value, and absolute). A
 * regression is declared only when the whole 95% interval of the difference lies above BOTH minimums: a shift too small to
 * matter is "no change" however sure we are of it, and a large shift the interval cannot separate
 * from the minimum is "no change" too. "Improved" is the mirror image. Noisy runners widen the
 * interval (it carries run-to-run variation), so noise makes the gate quieter, never louder.
 */

/** The percentiles a gate can name, as users write them, and the statistics' keys behind them. */
export const GATE_PERCENTILES = { p50: "p50", p99: "p99", "p99.9": "p999" } as const satisfies Record<string, KeyPercentile>;
export type GatePercentile = keyof typeof GATE_PERCENTILES;
const GATE_PERCENTILE_NAMES = Object.keys(GATE_PERCENTILES) as [GatePercentile, ...GatePercentile[]];

/**
 * Requests each run needs above the gate's percentile. A percentile is read from the slowest
 * requests: with k of them above it, the count above the true percentile varies like a Poisson
 * count, by ±2√k at 95%. At k = 50 that is ±14 requests (±28%), so the estimate rests on dozens of
 * distinct slow requests; at k = 10 (±63%) it is the luck of a few, and the bootstrap, which can
 * only reuse the values it saw, draws its interval from a handful of them and covers less than it
 * claims. Hence 50, stricter than the comparison page's "few samples" warning: a gate fails builds.
 */
export const GATE_MIN_TAIL_SAMPLES = 50;

/** Limits on a minimum effect: generous, but a gate must be able to fire. */
const MAX_MIN_EFFECT_PERCENT = 1_000;
const MAX_MIN_EFFECT_US = 60_000_000;

export const minEffectSchema = z
  .object({
    /** Relative to the baseline's value at the percentile, in percent. */
    percent: z.number().min(0).max(MAX_MIN_EFFECT_PERCENT).default(5),
    /** Absolute, in microseconds. */
    us: z.number().min(0).max(MAX_MIN_EFFECT_US).default(50),
  })
  .strict();

export const gateSchema = z
  .object({
    percentile: z.enum(GATE_PERCENTILE_NAMES, { message: `Use one of ${GATE_PERCENTILE_NAMES.join(", ")}` }),
    minEffect: minEffectSchema.default({ percent: 5, us: 50 }),
  })
  .strict();

export const gatesSchema = z
  .array(gateSchema)
  .min(1, "Name at least one gate")
  .max(GATE_PERCENTILE_NAMES.length)
  .refine((gates) => new Set(gates.map((g) => g.percentile)).size === gates.length, "One gate per percentile");

export type GateInput = z.input<typeof gateSchema>;
export type Gate = z.output<typeof gateSchema>;

/** The dashboard's regression view: p99, at least 5% and 50 µs, the CLI's defaults. */
export const DASHBOARD_GATE: Gate = { percentile: "p99", minEffect: { percent: 5, us: 50 } };

export type GateVerdict = Verdict | "not enough data";

export interface GateSide {
  name: string;
  /** Requests slower than the gate's percentile, over all repetitions. */
  tailSamples: number;
}

export interface GateResult {
  gate: Gate;
  verdict: GateVerdict;
  /** Set exactly when the verdict is "not enough data". */
  noVerdictReason: NoVerdictReason | null;
  /** Why, in a sentence a CI log or a PR comment can show. */
  explanation: string;
  /** run − baseline at the percentile, with its intervals; null when there is no latency. */
  change: Overhead | null;
  runUs: number | null;
  baselineUs: number | null;
  tailSamples: { run: number; baseline: number };
}

export function gateLabel(gate: Gate): string {
  return `${gate.percentile} ≥ +${gate.minEffect.percent}% and +${formatUs(gate.minEffect.us)}`;
}

/** µs without the formatting module's rounding, for the thresholds a user typed. */
function formatUs(us: number): string {
  return us >= 1_000 ? `${Number((us / 1_000).toPrecision(6))} ms` : `${Number(us.toPrecision(6))} µs`;
}

function interval(lo: number, hi: number): string {
  const f = (v: number) => `${v >= 0 ? "+" : "−"}${formatUs(Math.abs(Math.round(v)))}`;
  return `${f(lo)} … ${f(hi)}`;
}

const NO_INTERVAL_TEXT: Record<Exclude<NoVerdictReason, "few-tail-samples">, string> = {
  "single-repetition":
    "a run measured with one repetition gives the difference no interval (run-to-run variation is unknown); run 3 or more repetitions",
  "no-samples": "a run has no measured request to resample",
  "no-latency": "no latency was recorded to compare",
  "percentiles-only":
    "a run was imported with percentiles only (SMP, k6): with no histogram there is no interval of the difference",
};

/**
 * The verdict of one gate on a difference. `change` is run − baseline at the gate's percentile as
 * core/stats.ts's overhead() computes it (its interval already carries both runs' run-to-run
 * variation and is absent for single-repetition runs).
 */
export function judgeGate(
  gate: Gate,
  change: Overhead | null,
  run: GateSide,
  baseline: GateSide,
  values: { runUs: number | null; baselineUs: number | null },
): GateResult {
  const base = {
    gate,
    change,
    runUs: values.runUs,
    baselineUs: values.baselineUs,
    tailSamples: { run: run.tailSamples, baseline: baseline.tailSamples },
  };
  const notEnough = (reason: NoVerdictReason, explanation: string): GateResult => ({
    ...base,
    verdict: "not enough data",
    noVerdictReason: reason,
    explanation,
  });
  if (!change) return notEnough("no-latency", NO_INTERVAL_TEXT["no-latency"]);
  // Before the tail check: a percentiles-only import may not even know its request count.
  if (change.ciUnavailable === "percentiles-only") return notEnough("percentiles-only", NO_INTERVAL_TEXT["percentiles-only"]);
  const thin = [run, baseline].filter((side) => side.tailSamples < GATE_MIN_TAIL_SAMPLES);
  if (thin.length > 0) {
    const who = thin.map((side) => `${side.tailSamples} in “${side.name}”`).join(" and ");
    return notEnough(
      "few-tail-samples",
      `too few requests above ${gate.percentile} (${who}; the gate needs ${GATE_MIN_TAIL_SAMPLES} in each run): run longer or at a higher rate`,
    );
  }
  if (change.ciUnavailable !== null || !change.absoluteCi) {
    const reason = change.ciUnavailable ?? "no-samples";
    return notEnough(reason, NO_INTERVAL_TEXT[reason]);
  }
  const { absoluteCi } = change;
  const { percent, us } = gate.minEffect;
  // The relative minimum is a share of the baseline's value, so both minimums are one threshold in
  // µs, checked against the interval of the difference (which already carries both runs'
  // uncertainty). A ratio's own interval is not used: by the delta method it is unusable once the
  // change is many times the baseline.
  const baselineUs = values.baselineUs !== null && values.baselineUs > 0 ? values.baselineUs : null;
  const thresholdUs = Math.max(us, baselineUs === null ? 0 : (percent / 100) * baselineUs);
  const relative = (v: number) =>
    baselineUs === null ? "" : `${v >= 0 ? "+" : "−"}${Math.abs((v / baselineUs) * 100).toFixed(1)}%`;
  const ci = `95% CI ${interval(absoluteCi.lo, absoluteCi.hi)}${baselineUs === null ? "" : ` (${relative(absoluteCi.lo)} … ${relative(absoluteCi.hi)})`}`;
  const minimum = `${percent}% and ${formatUs(us)}`;
  if (absoluteCi.lo > thresholdUs) {
    return {
      ...base,
      verdict: "regressed",
      noVerdictReason: null,
      explanation: `${ci} lies wholly above the minimum effect (+${minimum})`,
    };
  }
  if (absoluteCi.hi < -thresholdUs) {
    return {
      ...base,
      verdict: "improved",
      noVerdictReason: null,
      explanation: `${ci} lies wholly below the minimum effect (−${minimum})`,
    };
  }
  return {
    ...base,
    verdict: "no change",
    noVerdictReason: null,
    explanation: `${ci} does not lie wholly beyond the minimum effect (±${minimum})`,
  };
}

/** The exit status a CI job wants: any regressed gate fails it. */
export function anyRegressed(results: readonly GateResult[]): boolean {
  return results.some((r) => r.verdict === "regressed");
}
