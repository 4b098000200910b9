import type { Interval } from "~/core/verdict";
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

/** "regressed" etc. as a reader expects them, with the change. */
export function verdictLabel(verdict: string | null): string {
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
      return "not enough data";
  }
}
