/**
 * Experiment (not part of `npm run bench`): where does the open-loop latency of the built-in
 * generator go: send lateness, service time, and the wait charged as server backpressure? See
 * bench/loadgen/latency-split.ts. Also takes spinUs to try other pacing settings.
 *
 *   npx tsx bench/experimental/latency-breakdown.ts <url> <rate> [seconds] [spinUs]
 */
import { installLatencySplit } from "~/bench/loadgen/latency-split";
import { summarize } from "~/core/histogram";
import { runLoad } from "~/worker/loadgen";

const [url = "http://127.0.0.1:18080/", rateArg = "2000", secondsArg = "5", spinArg] = process.argv.slice(2);
const split = installLatencySplit();
const cpu0 = process.cpuUsage();
const result = await runLoad({
  url,
  mode: "open",
  rate: Number(rateArg),
  connections: 16,
  durationMs: Number(secondsArg) * 1000,
  warmupMs: 1000,
  ...(spinArg !== undefined && spinArg !== "" ? { spinUs: Number(spinArg) } : {}),
});
const cpu = process.cpuUsage(cpu0);
const show = (s: ReturnType<typeof summarize>) => (s ? `p50 ${s.p50Us} µs, p90 ${s.p90Us}, p99 ${s.p99Us}, max ${s.maxUs}` : "—");
console.log(
  `rate ${rateArg}${spinArg ? ` spin ${spinArg} µs` : ""}: achieved ${result.actualRate.toFixed(1)}, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}) for ${(Number(secondsArg) + 1).toFixed(0)} s`,
);
console.log(`  reported (from intended): ${show(result.latency)}`);
console.log(`  send lateness:            ${show(summarize(split.lateness))}`);
console.log(`  service (from send):      ${show(summarize(split.service))}`);
console.log(`  charged wait:             ${show(summarize(split.chargedWait))} (${split.charged} requests)`);
process.exit(0);
