import { markerPrintf } from "./markers";
import type { ProgramParts } from "./types";

export interface ProgramOptions {
  intervalSeconds: number;
  /**
   * Make bpftrace exit by itself after this many seconds: a safety net when nobody may be left to
   * stop it (a Kubernetes pod, a worker that died), and how a pod's probe ends.
   */
  maxSeconds?: number;
}

/**
 * Wraps a probe's clauses with the fixed-interval print/clear round and markers:
 *   BEGIN               → "begin <elapsed>"
 *   every N s           → print + clear each output map, "tick <elapsed>"
 *   END (SIGINT, exit)  → flush the partial interval, clear state maps, "end <elapsed>"
 * Clearing everything in END keeps bpftrace's automatic exit dump empty, and anything it still
 * prints after "end" is ignored by the assembler. A tick can be skipped by the kernel (see
 * maxSeconds below): nothing is lost, the next tick's interval is just two intervals long, and
 * the markers' elapsed times make its rates right.
 */
export function renderProgram(parts: ProgramParts, options: ProgramOptions): string {
  const { intervalSeconds, maxSeconds } = options;
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) throw new Error("intervalSeconds must be a whole number ≥ 1");
  const print = parts.printed.map((m) => `print(${m});`).join(" ");
  const clear = parts.printed.map((m) => `clear(${m});`).join(" ");
  const clearScratch = parts.scratch.map((m) => `clear(${m});`).join(" ");
  const lines = [
    `BEGIN { ${markerPrintf("begin")} }`,
    "",
    parts.body.trim(),
    "",
    `interval:s:${intervalSeconds} { ${print} ${clear} ${markerPrintf("tick")} }`,
  ];
  if (maxSeconds !== undefined) {
    if (!Number.isInteger(maxSeconds) || maxSeconds < 1) throw new Error("maxSeconds must be a whole number ≥ 1");
    // Checked often rather than one interval:s:N firing: the kernel skips a timer's BPF program
    // when it interrupts another BPF program on that CPU (~3% of ticks under heavy syscall
    // tracing), and one skipped deadline would let bpftrace run on until a pod's hard deadline.
    lines.push(`interval:ms:200 { if (elapsed >= ${maxSeconds}000000000) { exit(); } }`);
  }
  lines.push(`END { ${print} ${clear} ${clearScratch} ${markerPrintf("end")} }`, "");
  return lines.join("\n");
}
