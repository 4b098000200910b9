import { fmtRate, fmtUs } from "~/bench/lib/format";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import { runWrk } from "~/bench/lib/wrk";
import { pacedScript } from "~/bench/lib/wrk-lua";
import type { ChildResult } from "./child-protocol";
import { type LoadgenContext, SECTION } from "./context";
import { runOurs } from "./ours";
import { pacedDelayMs } from "./plan";
import { stallProcess } from "./stall";

/**
 * With a stall of S seconds inside a window of W seconds at a fixed rate, an honest generator
 * reports the S·rate requests that arrived during the stall with latencies spread over (0, S]:
 * the fraction above x is (S − x) / W, so p99 ≈ S − 0.01·W (when S > 0.01·W).
 */
export function expectedStallP99Us(stallMs: number, windowMs: number): number {
  return Math.max(0, stallMs - 0.01 * windowMs) * 1000;
}

interface Stalled {
  p99Us: number | null;
  maxUs: number | null;
  count: number;
}

/** Start the stall in the middle of the measured window. */
function stallOffsetMs(windowMs: number, stallMs: number): number {
  return Math.max(0, windowMs / 2 - stallMs / 2);
}

async function oursWithStall(ctx: LoadgenContext, mode: "open" | "closed"): Promise<Stalled & { result: ChildResult }> {
  const { plan, fixture } = ctx;
  const windowMs = plan.coSeconds * 1000;
  const worker = await fixture.workerPid();
  let stall: Promise<unknown> = Promise.resolve();
  const result = await runOurs({
    url: fixture.plainUrl,
    mode,
    ...(mode === "open" ? { rate: plan.coRate } : {}),
    connections: plan.connections,
    durationMs: windowMs,
    warmupMs: plan.warmupMs,
    onWindowStart: () => {
      stall = stallProcess(worker, stallOffsetMs(windowMs, plan.stallMs), plan.stallMs);
    },
  });
  await stall;
  return { p99Us: result.latency?.p99Us ?? null, maxUs: result.latency?.maxUs ?? null, count: result.successes, result };
}

async function wrkWithStall(ctx: LoadgenContext): Promise<Stalled> {
  const { plan, fixture } = ctx;
  const worker = await fixture.workerPid();
  let stall: Promise<unknown> = Promise.resolve();
  const w = await runWrk({
    url: fixture.plainUrl,
    threads: 1,
    connections: plan.connections,
    durationSeconds: plan.coSeconds,
    script: pacedScript(pacedDelayMs(plan.connections, plan.coRate)), // ≈ coRate, like the open loop
    scriptDir: ctx.scriptDir,
    onStart: () => {
      stall = stallProcess(worker, stallOffsetMs(plan.coSeconds * 1000, plan.stallMs), plan.stallMs);
    },
  });
  await stall;
  const j = w.output.scriptJson;
  return { p99Us: j?.p99 ?? w.output.distribution[99] ?? null, maxUs: j?.maxUs ?? null, count: w.output.requests };
}

export async function coordinatedOmissionRows(ctx: LoadgenContext): Promise<Row[]> {
  const { plan } = ctx;
  const expected = expectedStallP99Us(plan.stallMs, plan.coSeconds * 1000);
  const stallText = `${plan.stallMs / 1000} s SIGSTOP of the nginx worker in the middle of a ${plan.coSeconds} s window`;
  try {
    ctx.log(`coordinated omission: ${stallText}, ours open @ ${plan.coRate}, wrk paced, ours closed`);
    const open = await oursWithStall(ctx, "open");
    const wrk = await wrkWithStall(ctx);
    const closed = await oursWithStall(ctx, "closed");
    return [
      measuredRow({
        section: SECTION,
        figure: `Coordinated omission: p99 with a ${stallText} @ ${fmtRate(plan.coRate)}, ours open loop vs wrk (paced closed loop, with its after-the-fact correction)`,
        ours: open.p99Us,
        reference: wrk.p99Us,
        unit: "us",
        target: { kind: "ours-min", min: 0.9 * expected },
        targetText: `ours ≈ S − 0.01·W = ${fmtUs(expected)} (≥ 90% of it): the stall is in our p99`,
        note: `Open loop: the ${fmtRate(plan.coRate)} × ${plan.stallMs / 1000} s requests due during the stall are charged from their intended time, so (S − x)/W of all requests exceed x: p99 ≈ ${fmtUs(expected)}. wrk (paced closed loop, ${wrk.count} requests) measured only the ${plan.connections} requests in flight during the stall and sent nothing meanwhile, but wrk 4.x back-fills after the run (stats_correct: for every latency ≥ 2× its mean per-connection interval it adds synthetic samples at latency − k·interval), so its p99 ${fmtUs(wrk.p99Us)} (max ${fmtUs(wrk.maxUs)}) is an estimate made after the fact, not measured requests. Ours: ${open.count} measured requests, max ${fmtUs(open.maxUs)}.`,
      }),
      measuredRow({
        section: SECTION,
        figure: "Coordinated omission: the same stall under our own closed loop (max mode) hides it too",
        ours: closed.p99Us,
        reference: expected,
        unit: "us",
        target: { kind: "none" },
        note: `Closed loop without any correction (${closed.count} requests at max rate): only the ${plan.connections} in-flight requests see the stall (max ${fmtUs(closed.maxUs)}); p99 stays at normal service time. That is why fixed-rate runs are open loop.`,
      }),
    ];
  } catch (error) {
    return [errorRow(SECTION, `Coordinated omission demo (${stallText})`, error)];
  }
}
