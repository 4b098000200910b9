import { median } from "~/bench/lib/stats";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import { runWrk } from "~/bench/lib/wrk";
import { reportScript } from "~/bench/lib/wrk-lua";
import { wrkErrorCount } from "~/bench/lib/wrk-output";
import { cpuPer1k, errorSummary, type LoadgenContext, SECTION } from "./context";
import { runOurs } from "./ours";

interface Sample {
  rps: number;
  cpuPer1k: number | null;
}

const list = (xs: readonly Sample[]) => xs.map((s) => Math.round(s.rps).toLocaleString("en-US")).join(", ");

/**
 * Closed loop, same connections and duration: ours, wrk with one thread (ours is one event loop)
 * and wrk with two (its default; = cores here). Interleaved rounds, medians: this machine is shared.
 */
export async function maxThroughputRows(ctx: LoadgenContext): Promise<Row[]> {
  const { plan, fixture } = ctx;
  const c = plan.connections;
  const ours: Sample[] = [];
  const wrk1: Sample[] = [];
  const wrk2: Sample[] = [];
  const notes: string[] = [];
  try {
    for (let round = 1; round <= plan.maxRounds; round++) {
      ctx.log(`max throughput, round ${round}/${plan.maxRounds}`);
      const o = await runOurs({
        url: fixture.plainUrl,
        mode: "closed",
        connections: c,
        durationMs: plan.maxSeconds * 1000,
        warmupMs: plan.warmupMs,
      });
      if (o.successes === 0) throw new Error(`ours got no successful response (errors: ${errorSummary(o.errors)})`);
      if (Object.keys(o.errors).length > 0) notes.push(`ours round ${round} errors: ${errorSummary(o.errors)}`);
      ours.push({ rps: o.actualRate, cpuPer1k: cpuPer1k(o.windowCpuMs, o.actualRate * o.measuredSeconds) });
      for (const [threads, into] of [
        [1, wrk1],
        [2, wrk2],
      ] as const) {
        const w = await runWrk({
          url: fixture.plainUrl,
          threads,
          connections: c,
          durationSeconds: plan.maxSeconds,
          script: reportScript(),
          scriptDir: ctx.scriptDir,
        });
        if (wrkErrorCount(w.output) > 0) notes.push(`wrk -t${threads} round ${round}: ${wrkErrorCount(w.output)} errors`);
        into.push({ rps: w.output.requestsPerSecond, cpuPer1k: cpuPer1k(w.cpuMs, w.output.requests) });
      }
    }
  } catch (error) {
    return [errorRow(SECTION, "Max throughput (closed loop)", error)];
  }
  const oursRps = median(ours.map((s) => s.rps));
  const rounds = `${plan.maxRounds} interleaved round(s) of ${plan.maxSeconds} s, medians`;
  const common = `${rounds}; ours ${list(ours)}; wrk -t1 ${list(wrk1)}; wrk -t2 ${list(wrk2)} rps.`;
  const extra = notes.length > 0 ? ` ${notes.join("; ")}.` : "";
  const cpuOurs = median(ours.flatMap((s) => (s.cpuPer1k === null ? [] : [s.cpuPer1k])));
  const cpuWrk = median(wrk1.flatMap((s) => (s.cpuPer1k === null ? [] : [s.cpuPer1k])));
  return [
    measuredRow({
      section: SECTION,
      figure: `Max throughput, closed loop, ${c} conns: ours vs wrk -t1 (one thread, like ours)`,
      ours: oursRps,
      reference: median(wrk1.map((s) => s.rps)),
      unit: "rps",
      target: { kind: "ratio-min", min: 0.7 },
      note: `${common}${extra}`,
    }),
    measuredRow({
      section: SECTION,
      figure: `Max throughput, closed loop, ${c} conns: ours vs wrk -t2 (wrk's default, 2 threads = cores)`,
      ours: oursRps,
      reference: median(wrk2.map((s) => s.rps)),
      unit: "rps",
      target: { kind: "ratio-min", min: 0.7 },
    }),
    measuredRow({
      section: SECTION,
      figure: "Generator CPU per 1,000 requests at max throughput (ours vs wrk -t1)",
      ours: cpuOurs,
      reference: cpuWrk,
      unit: "ms",
      target: { kind: "none" },
      note: "CPU time (user+system, all threads) of the generator process: ours from process.cpuUsage() over the measured window, wrk from /proc/<pid>/task/*/schedstat over its run.",
    }),
  ];
}
