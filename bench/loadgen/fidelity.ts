import { mkdir } from "node:fs/promises";
import path from "node:path";
import { errorRow, type Row } from "~/bench/lib/table";
import { SECTION } from "./context";
import { coordinatedOmissionRows } from "./coordinated-omission";
import { maxThroughputRows } from "./max-throughput";
import { startNginxFixture } from "./nginx-fixture";
import { loadgenPlan } from "./plan";
import { type RateRun, rateAndLatencyRows } from "./rate-latency";

/** Section 1: the built-in load generator against wrk on the same nginx. */
export async function loadgenFidelity(opts: {
  quick: boolean;
  runDir: string;
  log: (m: string) => void;
}): Promise<{ rows: Row[]; rateRuns: RateRun[] }> {
  const dir = path.join(opts.runDir, "nginx");
  await mkdir(dir, { recursive: true });
  let fixture: Awaited<ReturnType<typeof startNginxFixture>>;
  try {
    fixture = await startNginxFixture(dir);
  } catch (error) {
    return { rows: [errorRow(SECTION, "Load generator fidelity (nginx fixture)", error)], rateRuns: [] };
  }
  const ctx = { fixture, plan: loadgenPlan(opts.quick), scriptDir: opts.runDir, log: opts.log };
  try {
    const rows = await maxThroughputRows(ctx);
    const rates = await rateAndLatencyRows(ctx);
    rows.push(...rates.rows, ...(await coordinatedOmissionRows(ctx)));
    return { rows, rateRuns: rates.runs };
  } finally {
    await fixture.stop();
  }
}
