/**
 * `tsx bench/viewers/viewer-load.ts <baseUrl> <seconds> <viewers> <path>...`, cookie in VIEWER_COOKIE:
 * each viewer requests every path once a second, in its own phase within the second, like a
 * page or an API client polling. Prints one JSON line: requests, errors, latency percentiles.
 * A process of its own so the viewers' client work is not charged to the measured run's process.
 */
import { build } from "hdr-histogram-js";

const [baseUrl = "", secondsText = "10", viewersText = "100", ...paths] = process.argv.slice(2);
const cookie = process.env.VIEWER_COOKIE ?? "";
const seconds = Number(secondsText);
const viewers = Number(viewersText);

const latency = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
let requests = 0;
let errors = 0;
const errorKinds = new Map<string, number>();

async function request(path: string): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  } catch (error) {
    errors++;
    const kind = error instanceof Error ? error.message.slice(0, 60) : "error";
    errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
  } finally {
    requests++;
    latency.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function viewer(index: number, endAt: number): Promise<void> {
  // Spread over the second, as independent pages would be.
  let next = performance.now() + (index / viewers) * 1000;
  await sleep(next - performance.now());
  while (next < endAt) {
    for (const path of paths) await request(path);
    next += 1000;
    await sleep(next - performance.now());
  }
}

const endAt = performance.now() + seconds * 1000;
await Promise.all(Array.from({ length: viewers }, (_, i) => viewer(i, endAt)));
process.stdout.write(
  `${JSON.stringify({
    requests,
    errors,
    errorKinds: Object.fromEntries(errorKinds),
    seconds,
    p50Us: latency.getValueAtPercentile(50),
    p95Us: latency.getValueAtPercentile(95),
    p99Us: latency.getValueAtPercentile(99),
    maxUs: latency.maxValue,
  })}\n`,
);
