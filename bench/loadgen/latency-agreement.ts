import { fmtPct, fmtRate, fmtUs } from "~/bench/lib/format";
import { median } from "~/bench/lib/stats";
import { measuredRow, type Row } from "~/bench/lib/table";
import { runWrk } from "~/bench/lib/wrk";
import { pacedScript } from "~/bench/lib/wrk-lua";
import { wrkErrorCount } from "~/bench/lib/wrk-output";
import type { ChildResult } from "./child-protocol";
import { cpuPer1k, type LoadgenContext, SECTION } from "./context";
import type { LatencySplitSummary } from "./latency-split";
import { pacedConnections, pacedDelayMs } from "./plan";
import { oursAtRate } from "./rate-accuracy";

interface OursRound {
  p50: number | null;
  p99: number | null;
  split: LatencySplitSummary | null;
  cpuPer1k: number | null;
}

interface WrkRound {
  p50: number | null;
  p99: number | null;
  rps: number;
  cpuPer1k: number | null;
  errors: number;
}

function oursRound(o: ChildResult): OursRound {
  return {
    p50: o.latency?.p50Us ?? null,
    p99: o.latency?.p99Us ?? null,
    split: o.split,
    cpuPer1k: cpuPer1k(o.windowCpuMs, o.actualRate * o.measuredSeconds),
  };
}

/** wrk's closed loop paced to ≈ rate with a random per-request delay (wrk has no fixed-rate mode). */
async function wrkPaced(ctx: LoadgenContext, rate: number): Promise<WrkRound> {
  const c = pacedConnections(ctx.plan.connections, rate);
  const w = await runWrk({
    url: ctx.fixture.loggedUrl,
    threads: 1,
    connections: c,
    durationSeconds: ctx.plan.wrkPacedSeconds,
    script: pacedScript(pacedDelayMs(c, rate)),
    scriptDir: ctx.scriptDir,
  });
  const exact = w.output.scriptJson;
  return {
    p50: exact?.p50 ?? w.output.distribution[50] ?? null,
    p99: exact?.p99 ?? w.output.distribution[99] ?? null,
    rps: w.output.requestsPerSecond,
    cpuPer1k: cpuPer1k(w.cpuMs, w.output.requests),
    errors: wrkErrorCount(w.output),
  };
}

export interface Rounds {
  ours: OursRound[];
  wrk: WrkRound[];
}

/** Round 1 uses the rate-accuracy run; later rounds alternate who goes first, so drift hits both alike. */
export async function latencyRounds(ctx: LoadgenContext, rate: number, first: ChildResult): Promise<Rounds> {
  const rounds: Rounds = { ours: [oursRound(first)], wrk: [await wrkPaced(ctx, rate)] };
  for (let r = 2; r <= ctx.plan.latencyRounds; r++) {
    ctx.log(`latency round ${r}/${ctx.plan.latencyRounds} @ ${rate} rps`);
    const extraOurs = async () => rounds.ours.push(oursRound((await oursAtRate(ctx, rate, ctx.plan.latencyRoundSeconds)).result));
    if (r % 2 === 0) {
      rounds.wrk.push(await wrkPaced(ctx, rate));
      await extraOurs();
    } else {
      await extraOurs();
      rounds.wrk.push(await wrkPaced(ctx, rate));
    }
  }
  return rounds;
}

function med(xs: readonly (number | null)[]): number | null {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return ok.length > 0 ? median(ok) : null;
}

const list = (xs: readonly (number | null)[]) => xs.map((x) => fmtUs(x)).join(", ");

export function latencyRows(ctx: LoadgenContext, rate: number, rounds: Rounds): Row[] {
  const { ours, wrk } = rounds;
  const c = pacedConnections(ctx.plan.connections, rate);
  const delay = pacedDelayMs(c, rate);
  const wrkErrors = wrk.reduce((a, w) => a + w.errors, 0);
  const wrkP50 = med(wrk.map((w) => w.p50));
  const split = (pick: (s: LatencySplitSummary) => number) => med(ours.map((o) => (o.split ? pick(o.split) : null)));
  const how = `${ours.length} round(s), medians. wrk -t1 -c${c} paced by a Lua delay() uniform on 0..${2 * delay} ms (mean ${delay} ms) reached ${wrk.map((w) => fmtRate(w.rps)).join(", ")}${wrkErrors > 0 ? ` with ${wrkErrors} errors` : ""}; ours ${ctx.plan.connections} connections, evenly spaced sends, same nginx listener. wrk times from its actual send; ours from the actual send too, unless every connection was busy when the request fell due: then from that moment (open loop: server backpressure counts, our own lateness does not). Per round p50: ours ${list(ours.map((o) => o.p50))}; wrk ${list(wrk.map((w) => w.p50))}.`;
  const lateP50 = split((s) => s.latenessP50Us);
  const lateP99 = split((s) => s.latenessP99Us);
  const serviceP50 = split((s) => s.serviceP50Us);
  const serviceP99 = split((s) => s.serviceP99Us);
  return [
    measuredRow({
      section: SECTION,
      figure: `Latency p50 @ ${fmtRate(rate)}: ours (open loop) vs wrk --latency (paced)`,
      ours: med(ours.map((o) => o.p50)),
      reference: wrkP50,
      unit: "us",
      target: { kind: "ratio-within", tolerance: 0.1 },
      note: how,
    }),
    measuredRow({
      section: SECTION,
      figure: `Latency p99 @ ${fmtRate(rate)}: ours (open loop) vs wrk --latency (paced)`,
      ours: med(ours.map((o) => o.p99)),
      reference: med(wrk.map((w) => w.p99)),
      unit: "us",
      target: { kind: "ratio-within", tolerance: 0.1 },
      note: `Per round p99: ours ${list(ours.map((o) => o.p99))}; wrk ${list(wrk.map((w) => w.p99))}.`,
    }),
    measuredRow({
      section: SECTION,
      figure: `Diagnosis @ ${fmtRate(rate)}: ours = our send lateness + service time from the actual send; ratio = service p50 / wrk p50`,
      ours: serviceP50,
      reference: wrkP50,
      unit: "us",
      oursText: `late p50 ${fmtUs(lateP50)} · p99 ${fmtUs(lateP99)}; service p50 ${fmtUs(serviceP50)} · p99 ${fmtUs(serviceP99)}`,
      target: { kind: "none" },
      note: `Measured by wrapping the product's OpenLoopDriver (bench/loadgen/latency-split.ts). Wait before the send charged as server backpressure: ${fmtPct(split((s) => s.chargedShare))} of requests, p99 ${fmtUs(split((s) => s.chargedWaitP99Us))}.`,
    }),
    measuredRow({
      section: SECTION,
      figure: `Generator CPU per 1,000 requests @ ${fmtRate(rate)} (ours open loop vs wrk paced)`,
      ours: med(ours.map((o) => o.cpuPer1k)),
      reference: med(wrk.map((w) => w.cpuPer1k)),
      unit: "ms",
      target: { kind: "none" },
    }),
  ];
}
