import { type Interval, MIN_REPETITIONS_FOR_DIFFERENCE, type NoVerdictReason, RECOMMENDED_REPETITIONS } from "~/core/verdict";
import { formatLatencyUs, MISSING } from "./units";

/**
 * Formatting shared by the compare page and the reports, so a figure reads the same in both (and
 * a test can look for the page's text in the PDF).
 */

export const PERCENTILE_LABELS = { p50: "p50", p99: "p99", p999: "p99.9" } as const;

export function formatSignedLatencyUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return MISSING;
  if (us === 0) return formatLatencyUs(0);
  return `${us > 0 ? "+" : "−"}${formatLatencyUs(Math.abs(us))}`;
}

export function formatSignedPercent(p: number | null | undefined, digits = 1): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return MISSING;
  const text = Math.abs(p).toFixed(digits);
  if (Number(text) === 0) return `${(0).toFixed(digits)}%`;
  return `${p > 0 ? "+" : "−"}${text}%`;
}

/** "1.18 ms – 1.30 ms"; the dash is a figure range, not a minus. */
export function formatLatencyCi(ci: Interval | null | undefined): string {
  if (!ci) return MISSING;
  return `${formatLatencyUs(ci.lo)} – ${formatLatencyUs(ci.hi)}`;
}

export function formatSignedLatencyCi(ci: Interval | null | undefined): string {
  if (!ci) return MISSING;
  return `${formatSignedLatencyUs(ci.lo)} … ${formatSignedLatencyUs(ci.hi)}`;
}

export function formatSignedPercentCi(ci: Interval | null | undefined): string {
  if (!ci) return MISSING;
  return `${formatSignedPercent(ci.lo)} … ${formatSignedPercent(ci.hi)}`;
}

export function formatRateCi(ci: Interval | null | undefined): string {
  if (!ci) return MISSING;
  return `${ci.lo.toFixed(ci.hi - ci.lo < 10 ? 1 : 0)} – ${ci.hi.toFixed(ci.hi - ci.lo < 10 ? 1 : 0)} rps`;
}

export function formatCores(cores: number | null | undefined): string {
  if (cores === null || cores === undefined || !Number.isFinite(cores)) return MISSING;
  return `${cores.toFixed(cores < 0.1 ? 3 : 2)} cores`;
}

export function formatPercentile(p: number): string {
  return `p${Number(p.toPrecision(6))}`;
}

/** What a reader must do to get a difference judged. */
export const REPETITIONS_ADVICE = `Run it with ${RECOMMENDED_REPETITIONS} or more repetitions.`;

/** Why a difference has no interval, as a clause the headline, the tables and the report share. */
export function cannotJudgeText(reason: NoVerdictReason): string {
  switch (reason) {
    case "single-repetition":
      return "the difference cannot be judged from one repetition";
    case "no-samples":
      return "the difference cannot be judged: a run has no measured request";
    case "percentiles-only":
      return "the difference cannot be judged: a run was imported with percentiles only (no histogram to give an interval)";
    case "no-latency":
      return "no latency to compare";
    case "few-tail-samples":
      return "the difference cannot be judged: too few requests above the percentile";
  }
}

/** Names of the runs measured with too few repetitions for a difference to get an interval. */
export function measuredOnce(runs: readonly { name: string; repetitions: number }[]): string[] {
  return runs.filter((r) => r.repetitions < MIN_REPETITIONS_FOR_DIFFERENCE).map((r) => r.name);
}

/** A table cell's short form of the same. */
export function cannotJudgeShort(reason: NoVerdictReason): string {
  switch (reason) {
    case "single-repetition":
      return "no interval: one repetition";
    case "no-samples":
      return "no interval: no requests";
    case "percentiles-only":
      return "no interval: percentiles only";
    case "no-latency":
      return "no latency";
    case "few-tail-samples":
      return "not enough data: few slow requests";
  }
}

/** What to do about runs measured once, naming them when there is one. */
function rerunAdvice(singleRepetitionRuns: readonly string[]): string {
  const [only] = singleRepetitionRuns;
  if (singleRepetitionRuns.length === 1 && only !== undefined)
    return `Run “${only}” again with ${RECOMMENDED_REPETITIONS} or more repetitions.`;
  if (singleRepetitionRuns.length > 1) return `Run them again with ${RECOMMENDED_REPETITIONS} or more repetitions.`;
  return REPETITIONS_ADVICE;
}

/** The reason in full, naming the runs measured once, with what to do about it. */
export function cannotJudgeExplanation(reason: NoVerdictReason, singleRepetitionRuns: readonly string[]): string {
  const sentence = cannotJudgeText(reason).replace(/^./, (c) => c.toUpperCase());
  if (reason !== "single-repetition") return `${sentence}.`;
  const names = singleRepetitionRuns.map((n) => `“${n}”`).join(" and ");
  const who = names ? ` (${names} ${singleRepetitionRuns.length === 1 ? "was" : "were"} measured once)` : "";
  return (
    `${sentence}${who}: a single run's interval covers the sampling of its requests only, not how far the next run ` +
    `of the same spec would land, so the interval of the difference would call run-to-run noise real. ${rerunAdvice(singleRepetitionRuns)}`
  );
}

/** "regressed" etc. as a reader expects them; without a verdict, why there is none. */
export function verdictLabel(verdict: string | null, reason: NoVerdictReason | null = null): string {
  switch (verdict) {
    case "regressed":
      return "regressed";
    case "improved":
      return "improved";
    case "no change":
      return "no change";
    case "not comparable":
      return "not comparable";
    default:
      if (reason === "single-repetition") return "cannot judge: one repetition";
      if (reason === "percentiles-only") return "not enough data: percentiles only";
      return "not enough data";
  }
}
