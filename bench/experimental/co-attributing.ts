/**
 * Experiment (not part of `npm run bench`): does the attributing driver (attributing-driver.ts)
 * still see a server stall? SIGSTOP the nginx worker for 1 s in the middle of a 10 s window at
 * 2,000 rps; an honest open loop reports p99 ≈ 0.9 s.
 *
 *   npx tsx bench/experimental/co-attributing.ts <nginx url> <nginx worker pid>
 */
import { expectedStallP99Us } from "~/bench/loadgen/coordinated-omission";
import { stallProcess } from "~/bench/loadgen/stall";
import { summarize } from "~/core/histogram";
import { buildTarget } from "~/worker/loadgen/request";
import { AttributingOpenLoopDriver } from "./attributing-driver";

const [url = "http://127.0.0.1:18080/", pidArg] = process.argv.slice(2);
const pid = Number(pidArg);
if (!Number.isInteger(pid) || pid <= 0) throw new Error("usage: co-attributing.ts <url> <nginx worker pid>");
let stall: Promise<unknown> = Promise.resolve();
const driver = new AttributingOpenLoopDriver(
  {
    target: buildTarget(url),
    connections: 16,
    warmupMs: 1000,
    durationMs: 10_000,
    requestTimeoutMs: 10_000,
    drainMs: 2000,
    onWindow: (edge) => {
      if (edge === "start") stall = stallProcess(pid, 4500, 1000);
    },
  },
  2000,
  0,
);
await driver.run();
await stall;
const s = summarize(driver.recorder.histogram);
console.log(
  `attributing driver with a 1 s stall: p50 ${s?.p50Us} µs, p99 ${s?.p99Us} µs (expected ≈ ${expectedStallP99Us(1000, 10_000)}), max ${s?.maxUs} µs`,
);
process.exit(0);
