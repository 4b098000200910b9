/** Small descriptive statistics for the bench's own figures (not for latency: that is HDR). */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? Number.NaN;
  const b = s[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Sample standard deviation. */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Spread of per-second rates against the requested rate. */
export interface RateSpread {
  seconds: number;
  min: number;
  max: number;
  /** Coefficient of variation: stdev / mean. */
  cv: number;
  /** Largest |second - requested| / requested. */
  worstDeviation: number;
}

export function rateSpread(perSecond: readonly number[], requested: number): RateSpread {
  return {
    seconds: perSecond.length,
    min: Math.min(...perSecond),
    max: Math.max(...perSecond),
    cv: perSecond.length > 0 ? stdev(perSecond) / mean(perSecond) : Number.NaN,
    worstDeviation: Math.max(...perSecond.map((r) => Math.abs(r - requested) / requested)),
  };
}
