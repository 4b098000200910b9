import { fmtBytes, fmtRate } from "~/bench/lib/format";
import { Rng } from "~/bench/lib/rng";
import { syntheticLatencyHistogram } from "~/bench/lib/synthetic-histogram";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import type { RateRun } from "~/bench/loadgen/rate-latency";
import { encodeHistogram, summarize } from "~/core/histogram";
import type { IterationResult } from "~/core/result";
import { storeAndMeasure } from "./store-probe";

const SECTION = "3";
const LIMIT = 16 * 1024;

function specFor(rate: number, seconds: number): Record<string, unknown> {
  return {
    backend: "LOCAL",
    mesh: "baseline",
    mode: "fixed-rate",
    rate,
    connections: 16,
    durationSeconds: seconds,
    warmupSeconds: 1,
    payloadBytes: 64,
    repetitions: 1,
  };
}

const COMPONENTS: IterationResult["components"] = [
  { component: "loadgen", role: "loadgen", cpuCores: 0.12, maxRssBytes: 90_000_000 },
  { component: "upstream", role: "app", cpuCores: 0.2, maxRssBytes: 70_000_000 },
];

function fromRealRun(run: RateRun): IterationResult {
  const o = run.ours;
  return {
    iteration: 1,
    requestedQps: run.rate,
    actualQps: o.actualRate,
    count: o.successes,
    errors: o.errors,
    latency: o.latency,
    histogram: o.histogramBase64,
    perSecond: o.perSecond,
    measuredSeconds: o.measuredSeconds,
    components: COMPONENTS,
    startedAt: new Date(o.startedAtMs),
    finishedAt: new Date(o.finishedAtMs),
  };
}

/** 60 s at 8,000 rps with a wide spread (log-normal σ 1.2 around 300 µs, 1% flat tail to 2 s): a hard case for the encoding. */
function syntheticWorstCase(): IterationResult {
  const seconds = 60;
  const rate = 8000;
  const h = syntheticLatencyHistogram(new Rng(7), {
    samples: seconds * rate,
    medianUs: 300,
    sigma: 1.2,
    tailFraction: 0.01,
    tailMaxUs: 2_000_000,
  });
  const now = Date.now();
  return {
    iteration: 1,
    requestedQps: rate,
    actualQps: rate,
    count: seconds * rate,
    errors: { timeout: 3, http_503: 12 },
    latency: summarize(h),
    histogram: encodeHistogram(h),
    perSecond: new Array<number>(seconds).fill(rate),
    measuredSeconds: seconds,
    components: COMPONENTS,
    startedAt: new Date(now - seconds * 1000),
    finishedAt: new Date(now),
  };
}

function rowsFor(label: string, r: IterationResult, size: Awaited<ReturnType<typeof storeAndMeasure>>): Row[] {
  const base64 = r.histogram.length;
  return [
    measuredRow({
      section: SECTION,
      figure: `Encoded histogram, ${label}`,
      ours: size.histogramBytes,
      reference: LIMIT,
      unit: "bytes",
      target: { kind: "ours-max", max: LIMIT - 1 },
      targetText: "< 16 KB",
      note: `${r.count.toLocaleString("en-US")} samples, 1 µs–1 h range, 3 significant digits; stored as raw bytes (${fmtBytes(base64)} as base64 text). Percentiles recomputed from the stored bytes ${size.roundTripExact ? "equal" : "DIFFER from"} the ones measured.`,
    }),
    measuredRow({
      section: SECTION,
      figure: `Bytes per stored run, ${label}: run row + RunResult row (ratio = histogram share)`,
      ours: size.runRowBytes + size.resultRowBytes,
      reference: size.histogramBytes,
      ratio: size.histogramBytes / (size.runRowBytes + size.resultRowBytes),
      unit: "bytes",
      referenceText: `${fmtBytes(size.histogramBytes)} histogram`,
      target: { kind: "none" },
      note: `pg_column_size of the rows as PostgreSQL stores them (run row ${fmtBytes(size.runRowBytes)}, result row ${fmtBytes(size.resultRowBytes)}); index entries and page overhead not included, nor a RunMetricsSnapshot (Prometheus series, only when Prometheus runs).`,
    }),
  ];
}

/** Section 3: what one run costs in PostgreSQL, stored through the worker's own code. */
export async function storageRows(databaseUrl: string, rateRuns: readonly RateRun[], expectRealRun: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const longest = [...rateRuns].sort((a, b) => b.ours.measuredSeconds - a.ours.measuredSeconds || b.rate - a.rate)[0];
  if (longest) {
    const seconds = longest.ours.measuredSeconds;
    const label = `real ${seconds} s open-loop run @ ${fmtRate(longest.rate)} (section 1)`;
    try {
      const result = fromRealRun(longest);
      rows.push(...rowsFor(label, result, await storeAndMeasure(databaseUrl, specFor(longest.rate, seconds), result)));
    } catch (error) {
      rows.push(errorRow(SECTION, `Storage, ${label}`, error));
    }
  } else if (expectRealRun) {
    rows.push(errorRow(SECTION, "Storage of a real run", new Error("section 1 produced no fixed-rate run")));
  }
  try {
    const result = syntheticWorstCase();
    rows.push(
      ...rowsFor(
        "synthetic 60 s @ 8,000 rps, σ 1.2 + 1% tail to 2 s",
        result,
        await storeAndMeasure(databaseUrl, specFor(8000, 60), result),
      ),
    );
  } catch (error) {
    rows.push(errorRow(SECTION, "Storage, synthetic worst case", error));
  }
  return rows;
}
