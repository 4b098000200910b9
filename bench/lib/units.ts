/**
 * wrk's number formats, as printed by its stats code (src/units.c):
 * time with us/ms/s/m/h, request counts with metric k/M/G (×1000), bytes with binary KB/MB/GB (×1024).
 */

const TIME_US: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const METRIC: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BINARY: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** "187.00us", "1.43ms", "2.00s", "1.00m" → microseconds; null when it is not a wrk time. */
export function parseWrkTimeUs(text: string): number | null {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  const scale = m?.[2] ? TIME_US[m[2]] : undefined;
  if (!m?.[1] || scale === undefined) return null;
  const value = Number(m[1]);
  return Number.isFinite(value) ? value * scale : null;
}

/** "59.62k", "505.00", "1.20M" → a count. */
export function parseWrkMetric(text: string): number | null {
  const m = /^([\d.]+)([kMGT]?)$/.exec(text.trim());
  const scale = m ? METRIC[m[2] ?? ""] : undefined;
  if (!m?.[1] || scale === undefined) return null;
  const value = Number(m[1]);
  return Number.isFinite(value) ? value * scale : null;
}

/** "59.90MB", "302.27KB", "512.00B" → bytes. */
export function parseWrkBytes(text: string): number | null {
  const m = /^([\d.]+)([KMGT]?)B$/.exec(text.trim());
  const scale = m ? BINARY[m[2] ?? ""] : undefined;
  if (!m?.[1] || scale === undefined) return null;
  const value = Number(m[1]);
  return Number.isFinite(value) ? value * scale : null;
}
