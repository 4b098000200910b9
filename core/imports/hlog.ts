import { type Histogram, HistogramLogReader, JsHistogram } from "hdr-histogram-js";
import { createLatencyHistogram, encodeHistogram, LATENCY_HISTOGRAM_RANGE } from "../histogram";
import { ImportError, type ParsedImport } from "./types";

/**
 * HdrHistogram interval logs (.hlog, log format 1.3 as HdrHistogram's HistogramLogWriter writes
 * it), read with hdr-histogram-js's HistogramLogReader: every interval's histogram is exact, and
 * they are added (never averaged) into the run's histogram; each interval's count over its length
 * becomes the run's completions per second.
 *
 * A log does not say the unit of its values. Its Interval_Max column is the interval's max divided
 * by the writer's maxValueUnitRatio, by HdrHistogram's convention in milliseconds (the Java tools
 * log nanoseconds with ratio 1e6; hdr-histogram-js's writer defaults to 1000, for microseconds). So
 * the unit is read from that ratio when the caller does not give it: ~1e6 means ns, ~1e3 µs, ~1 ms.
 * Anything else, or a log whose maxima are all 0, is "unit unknown" and the caller must say.
 */

export const HLOG_UNITS = ["ns", "us", "ms"] as const;
export type HlogUnit = (typeof HLOG_UNITS)[number];
const US_PER_UNIT: Record<HlogUnit, number> = { ns: 0.001, us: 1, ms: 1000 };
const UNIT_BY_RATIO: [number, HlogUnit][] = [
  [1e6, "ns"],
  [1e3, "us"],
  [1, "ms"],
];

/** An interval line: optional Tag=, then start, length, max, and a base64 histogram (HIST or DHIST cookie). */
const INTERVAL_LINE = /^(Tag=[^,]*,)?\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*,\s*(HISTF|DHISTw|HISTi|HIST)[A-Za-z0-9+/=]+\s*$/;

export function looksLikeHlog(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== "");
  const dataLines = lines.filter((l) => !l.startsWith("#") && !l.startsWith('"StartTimestamp"'));
  const hasHeader = lines.some((l) => l.startsWith("#[Histogram log format version") || l.startsWith('"StartTimestamp"'));
  return (dataLines.length > 0 && dataLines.every((l) => INTERVAL_LINE.test(l))) || (hasHeader && dataLines.length === 0);
}

interface Interval {
  histogram: Histogram;
  startSeconds: number;
  lengthSeconds: number;
  loggedMax: number;
}

function readIntervals(text: string): Interval[] {
  const reader = new HistogramLogReader(text, 64);
  const lines = text.split(/\r\n|\r|\n/);
  const intervals: Interval[] = [];
  const dataLines = lines.filter((l) => l.trim() !== "" && !l.startsWith("#") && !l.startsWith('"StartTimestamp"'));
  for (let index = 0; ; index++) {
    let histogram: Histogram | null;
    try {
      histogram = reader.nextIntervalHistogram();
    } catch (err) {
      throw new ImportError(
        "INVALID",
        `HdrHistogram log: interval ${index + 1} holds no readable histogram (${(err as Error).message})`,
      );
    }
    if (!histogram) break;
    const fields = (dataLines[index] ?? "").replace(/^Tag=[^,]*,/, "").split(",");
    const loggedMax = Number(fields[2]);
    intervals.push({
      histogram,
      startSeconds: histogram.startTimeStampMsec / 1000,
      lengthSeconds: (histogram.endTimeStampMsec - histogram.startTimeStampMsec) / 1000,
      loggedMax,
    });
  }
  return intervals;
}

/** The unit the writer's maxValueUnitRatio implies, or null when it matches none. */
export function inferHlogUnit(intervals: readonly { histogram: Histogram; loggedMax: number }[]): HlogUnit | null {
  const ratios = intervals
    .filter((i) => i.loggedMax > 0 && i.histogram.maxValue > 0)
    .map((i) => i.histogram.maxValue / i.loggedMax);
  if (ratios.length === 0) return null;
  for (const [ratio, unit] of UNIT_BY_RATIO) {
    // The logged max is rounded to 3 decimals: allow that, and HDR's own 0.1% bucket precision.
    if (ratios.every((r) => Math.abs(r - ratio) / ratio < 0.01 || Math.abs(r / ratio - 1) < 0.01)) return unit;
  }
  return null;
}

/** Adds an interval histogram into MeshBench's one latency configuration (µs), exactly when already in µs. */
function addInMicroseconds(target: Histogram, source: Histogram, unit: HlogUnit): void {
  if (!(source instanceof JsHistogram)) throw new TypeError("hdr-histogram-js decoded a non-JavaScript histogram");
  const scale = US_PER_UNIT[unit];
  for (let i = 0; i < source.countsArrayLength; i++) {
    const count = source.getCountAtIndex(i);
    if (count <= 0) continue;
    const value = source.valueFromIndex(i);
    // Same bucket value in the same unit: exact. Otherwise the bucket's middle, scaled.
    const scaled = unit === "us" ? value : source.medianEquivalentValue(value) * scale;
    const us = Math.round(Math.min(Math.max(scaled, 0), LATENCY_HISTOGRAM_RANGE.highestTrackableValue));
    target.recordValueWithCount(us, count);
  }
}

export function importHlog(text: string, options: { unit?: HlogUnit | null } = {}): ParsedImport {
  const intervals = readIntervals(text);
  try {
    if (intervals.length === 0) throw new ImportError("EMPTY", "HdrHistogram log: no interval histogram in the file");
    const tags = new Set(intervals.map((i) => i.histogram.tag ?? ""));
    if (tags.size > 1)
      throw new ImportError(
        "INVALID",
        `HdrHistogram log: it holds ${tags.size} tagged series (${[...tags].map((t) => t || "untagged").join(", ")}); import one series per file`,
      );
    const unit = options.unit ?? inferHlogUnit(intervals);
    if (!unit)
      throw new ImportError(
        "UNIT_UNKNOWN",
        "HdrHistogram log: unit unknown: the log does not say in which unit its values are, and its Interval_Max column " +
          "matches no usual ratio (ms of ns, µs or ms values); choose the unit (ns, µs or ms)",
      );
    const merged = createLatencyHistogram();
    try {
      for (const i of intervals) addInMicroseconds(merged, i.histogram, unit);
      if (merged.totalCount === 0) throw new ImportError("EMPTY", "HdrHistogram log: its intervals hold no recorded value");
      if (!(intervals.reduce((a, i) => a + i.lengthSeconds, 0) > 0))
        throw new ImportError("INVALID", "HdrHistogram log: its intervals have no length (Interval_Length is 0)");
      const first = Math.min(...intervals.map((i) => i.startSeconds));
      const last = Math.max(...intervals.map((i) => i.startSeconds + i.lengthSeconds));
      const durationSeconds = intervals.reduce((a, i) => a + i.lengthSeconds, 0);
      const absolute = first > 365 * 24 * 3600; // the reader resolves StartTime/BaseTime into absolute seconds when given
      const warnings: string[] = [];
      if (!options.unit) warnings.push(`unit read from the log's Interval_Max column: values in ${unit === "us" ? "µs" : unit}`);
      if (!absolute) warnings.push("the log has no StartTime: the run's start is unknown");
      warnings.push("an HdrHistogram log holds latencies only: errors, requested rate and connections are unknown");
      return {
        format: "hlog",
        tool: "HdrHistogram log",
        toolVersion: /#\[Histogram log format version ([\d.]+)\]/.exec(text)?.[1] ?? null,
        startedAt: absolute ? new Date(first * 1000) : null,
        finishedAt: absolute ? new Date(last * 1000) : null,
        requestedQps: null,
        actualQps: merged.totalCount / durationSeconds,
        connections: null,
        durationSeconds,
        count: merged.totalCount,
        errors: null,
        latency: { kind: "histogram", histogram: encodeHistogram(merged) },
        perSecond: intervals.map((i) => (i.lengthSeconds > 0 ? i.histogram.totalCount / i.lengthSeconds : 0)),
        intervals: intervals.length,
        bucketResolution: null,
        warnings,
      };
    } finally {
      merged.destroy();
    }
  } finally {
    for (const i of intervals) i.histogram.destroy();
  }
}
