/** Where runs.get's CPU goes, per step, on one realistic stored histogram (not part of npm run bench). */
import { performance } from "node:perf_hooks";
import { Rng } from "~/bench/lib/rng";
import { syntheticLatencyHistogram } from "~/bench/lib/synthetic-histogram";
import { encodeHistogram, histogramMean, percentileSpectrum, summarize } from "~/core/histogram";
import { histogramFromBytes, histogramToBytes } from "~/server/db/histogram-bytes";

const h = syntheticLatencyHistogram(new Rng(7), {
  samples: 120_000,
  medianUs: 150,
  sigma: 0.6,
  tailFraction: 0.001,
  tailMaxUs: 50_000,
});
const bytes = histogramToBytes(encodeHistogram(h));
const time = (label: string, n: number, f: () => unknown) => {
  for (let i = 0; i < 50; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  console.log(`${label}: ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs`);
};
const decoded = histogramFromBytes(bytes);
console.log(`encoded ${bytes.length} bytes`);
time("decode", 300, () => histogramFromBytes(bytes));
time("summarize", 300, () => summarize(decoded));
time("mean only", 300, () => decoded.mean);
time("spectrum", 300, () => percentileSpectrum(decoded));
time("histogramMean", 300, () => histogramMean(decoded));
console.log(`library mean ${decoded.mean} vs histogramMean ${histogramMean(decoded)}`);
