/** Display helpers. A missing figure renders as an em dash, never as 0. */
export const MISSING = "—";

export function formatLatencyUs(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return MISSING;
  if (us < 1_000) return `${us.toFixed(0)} µs`;
  if (us < 1_000_000) return `${(us / 1_000).toFixed(us < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

export function formatRate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined || !Number.isFinite(rps)) return MISSING;
  return `${rps >= 100 ? rps.toFixed(0) : rps.toFixed(1)} rps`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return MISSING;
  return n.toLocaleString("en-US");
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return MISSING;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

export function formatDate(d: Date | string | null | undefined): string {
  if (!d) return MISSING;
  return new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}

export function formatDuration(from: Date | null | undefined, to: Date | null | undefined): string {
  if (!from || !to) return MISSING;
  const s = Math.max(0, (new Date(to).getTime() - new Date(from).getTime()) / 1000);
  return s < 60 ? `${s.toFixed(0)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
