import { open } from "node:fs/promises";

/** The bytes appended to `file` since `offset`. */
export async function readLogSince(file: string, offset: number): Promise<string> {
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const length = Math.max(0, size - offset);
    const buf = Buffer.alloc(length);
    if (length > 0) await fh.read(buf, 0, length, offset);
    return buf.toString("latin1");
  } finally {
    await fh.close();
  }
}

/**
 * Requests per second of [startMs, endMs) as nginx saw them: one `$msec` line (seconds with
 * millisecond decimals, wall clock, written when the response is done) per request.
 * Lines outside the window (warm-up, drain) are ignored; a partial last second is dropped.
 */
export function perSecondFromMsecLog(text: string, startMs: number, endMs: number): number[] {
  const seconds = Math.floor((endMs - startMs) / 1000 + 1e-6);
  const counts = new Array<number>(Math.max(0, seconds)).fill(0);
  for (const line of text.split("\n")) {
    const s = line.trim();
    if (s === "") continue;
    const t = Math.round(Number(s) * 1000);
    if (!Number.isFinite(t) || t < startMs) continue;
    const i = Math.floor((t - startMs) / 1000);
    if (i < seconds) counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}
