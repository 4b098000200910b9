/**
 * Experiment (not part of `npm run bench`): the product's open loop vs AttributingOpenLoopDriver
 * (attributing-driver.ts) vs wrk paced, at the same rates on the same nginx, interleaved.
 *
 *   npx tsx bench/experimental/pacing-experiment.ts <nginx url> [seconds] [rates,comma,separated]
 */
import { mkdir } from "node:fs/promises";
import { fmtUs } from "~/bench/lib/format";
import { runWrk } from "~/bench/lib/wrk";
import { pacedScript } from "~/bench/lib/wrk-lua";
import { pacedDelayMs } from "~/bench/loadgen/plan";
import { summarize } from "~/core/histogram";
import { runLoad } from "~/worker/loadgen";
import { buildTarget } from "~/worker/loadgen/request";
import { AttributingOpenLoopDriver } from "./attributing-driver";

const [url = "http://127.0.0.1:18080/", secondsArg = "5", ratesArg = "500,2000,8000"] = process.argv.slice(2);
const seconds = Number(secondsArg);
const CONNS = 16;
const scriptDir = "bench/results/run";
await mkdir(scriptDir, { recursive: true });

function line(
  label: string,
  p50: number | undefined,
  p99: number | undefined,
  cpuMs: number,
  requests: number,
  extra = "",
): void {
  console.log(
    `  ${label.padEnd(34)} p50 ${fmtUs(p50).padStart(8)}  p99 ${fmtUs(p99).padStart(8)}  CPU/1k ${(cpuMs / (requests / 1000)).toFixed(1).padStart(6)} ms ${extra}`,
  );
}

async function product(rate: number): Promise<void> {
  const c0 = process.cpuUsage();
  const r = await runLoad({ url, mode: "open", rate, connections: CONNS, durationMs: seconds * 1000, warmupMs: 1000 });
  const c = process.cpuUsage(c0);
  line(
    "product open loop",
    r.latency?.p50Us,
    r.latency?.p99Us,
    (c.user + c.system) / 1000,
    r.successes * ((seconds + 1) / seconds),
  );
}

async function attributing(rate: number, minWakeMs: number): Promise<void> {
  const driver = new AttributingOpenLoopDriver(
    {
      target: buildTarget(url),
      connections: CONNS,
      warmupMs: 1000,
      durationMs: seconds * 1000,
      requestTimeoutMs: 10_000,
      drainMs: 2000,
    },
    rate,
    minWakeMs,
  );
  const c0 = process.cpuUsage();
  await driver.run();
  const c = process.cpuUsage(c0);
  const s = summarize(driver.recorder.histogram);
  const late = summarize(driver.lateness);
  line(
    `attributing, wake ≥ ${minWakeMs} ms`,
    s?.p50Us,
    s?.p99Us,
    (c.user + c.system) / 1000,
    driver.recorder.successes * ((seconds + 1) / seconds),
    `(rate ${(driver.windowCompletions / seconds).toFixed(0)}, our lateness p50 ${fmtUs(late?.p50Us)} p99 ${fmtUs(late?.p99Us)})`,
  );
}

async function wrk(rate: number): Promise<void> {
  const conns = Math.max(CONNS, Math.ceil((rate * 4) / 1000));
  const w = await runWrk({
    url,
    threads: 1,
    connections: conns,
    durationSeconds: seconds,
    script: pacedScript(pacedDelayMs(conns, rate)),
    scriptDir,
  });
  line(
    `wrk paced (-c${conns})`,
    w.output.scriptJson?.p50,
    w.output.scriptJson?.p99,
    w.cpuMs ?? Number.NaN,
    w.output.requests,
    `(rate ${w.output.requestsPerSecond.toFixed(0)})`,
  );
}

for (const rate of ratesArg.split(",").map(Number)) {
  console.log(`rate ${rate} rps, ${seconds} s each`);
  await wrk(rate);
  await product(rate);
  await attributing(rate, 0);
  await attributing(rate, 1);
}
process.exit(0);
