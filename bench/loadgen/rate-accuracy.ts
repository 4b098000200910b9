import { fmtPct, fmtRate } from "~/bench/lib/format";
import { rateSpread } from "~/bench/lib/stats";
import { measuredRow, type Row } from "~/bench/lib/table";
import { perSecondFromMsecLog, readLogSince } from "./access-log";
import type { ChildResult } from "./child-protocol";
import { errorSummary, type LoadgenContext, SECTION } from "./context";
import { runOurs } from "./ours";

/**
 * Our open loop at `rate` against the logging listener (with the latency split), and nginx's
 * per-second count of what arrived inside the measured window.
 */
export async function oursAtRate(
  ctx: LoadgenContext,
  rate: number,
  seconds: number,
): Promise<{ result: ChildResult; server: number[] }> {
  const offset = await ctx.fixture.logOffset();
  const result = await runOurs({
    url: ctx.fixture.loggedUrl,
    mode: "open",
    rate,
    connections: ctx.plan.connections,
    durationMs: seconds * 1000,
    warmupMs: ctx.plan.warmupMs,
    diagnose: true,
  });
  await ctx.fixture.flushLog();
  const log = await readLogSince(ctx.fixture.accessLog, offset);
  if (result.successes === 0) throw new Error(`no successful response (errors: ${errorSummary(result.errors)})`);
  return { result, server: perSecondFromMsecLog(log, result.startedAtMs, result.finishedAtMs) };
}

export function rateRows(rate: number, seconds: number, o: ChildResult, server: number[]): Row[] {
  const serverRate = server.length > 0 ? server.reduce((a, b) => a + b, 0) / server.length : null;
  const spread = rateSpread(server, rate);
  const errors = Object.keys(o.errors).length > 0 ? ` Errors: ${errorSummary(o.errors)}.` : "";
  return [
    measuredRow({
      section: SECTION,
      figure: `Rate accuracy @ ${fmtRate(rate)}: achieved / requested (nginx-counted, ${seconds} s window)`,
      ours: serverRate,
      reference: rate,
      unit: "rps",
      target: { kind: "ratio-within", tolerance: 0.01 },
      note: `Counted by nginx ($msec access log) inside the generator's measured window; the generator itself counted ${fmtRate(o.actualRate)} (${o.successes} successes).${errors}`,
    }),
    measuredRow({
      section: SECTION,
      figure: `Per-second rate spread @ ${fmtRate(rate)} (nginx-counted): min–max, CV; ratio = worst second / requested`,
      ours: spread.worstDeviation,
      reference: rate,
      ratio: (Math.abs(spread.max - rate) >= Math.abs(spread.min - rate) ? spread.max : spread.min) / rate,
      unit: "fraction",
      oursText: `${Math.round(spread.min)}–${Math.round(spread.max)} rps (CV ${fmtPct(spread.cv)})`,
      referenceText: fmtRate(rate),
      target: { kind: "none" },
      note: `Per-second counts: ${server.join(", ")}.`,
    }),
  ];
}
