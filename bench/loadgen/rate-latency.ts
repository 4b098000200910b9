import { fmtRate } from "~/bench/lib/format";
import { errorRow, type Row } from "~/bench/lib/table";
import type { ChildResult } from "./child-protocol";
import { type LoadgenContext, SECTION } from "./context";
import { latencyRounds, latencyRows } from "./latency-agreement";
import { oursAtRate, rateRows } from "./rate-accuracy";

export interface RateRun {
  rate: number;
  ours: ChildResult;
}

/** Rate accuracy, spread, latency agreement and CPU at each fixed rate. Returns the runs for section 3. */
export async function rateAndLatencyRows(ctx: LoadgenContext): Promise<{ rows: Row[]; runs: RateRun[] }> {
  const rows: Row[] = [];
  const runs: RateRun[] = [];
  for (const { rate, seconds } of ctx.plan.rates) {
    ctx.log(`fixed rate ${rate} rps: ours ${seconds} s, then wrk paced ${ctx.plan.wrkPacedSeconds} s`);
    let first: ChildResult;
    try {
      const { result, server } = await oursAtRate(ctx, rate, seconds);
      first = result;
      runs.push({ rate, ours: result });
      rows.push(...rateRows(rate, seconds, result, server));
    } catch (error) {
      rows.push(errorRow(SECTION, `Rate accuracy and latency @ ${fmtRate(rate)}`, error));
      continue;
    }
    try {
      rows.push(...latencyRows(ctx, rate, await latencyRounds(ctx, rate, first)));
    } catch (error) {
      rows.push(errorRow(SECTION, `Latency agreement with wrk @ ${fmtRate(rate)}`, error));
    }
  }
  return { rows, runs };
}
