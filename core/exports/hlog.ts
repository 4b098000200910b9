import { HistogramLogWriter } from "hdr-histogram-js";
import type { RunExportInput } from "./run-input";

/**
 * A run's latency histograms as an HdrHistogram interval log (`.hlog`, log format v1.3), the file
 * HdrHistogram's HistogramLogWriter writes and its HistogramLogReader / HistogramLogProcessor read,
 * written by hdr-histogram-js's own writer. Pure.
 *
 * An interval is one repetition's measured window (warm-up excluded): MeshBench stores one full
 * HDR histogram per repetition and only completion counts per second, so there is no finer latency
 * interval to write. Timestamps are seconds since the log's StartTime (the first window's start);
 * values are microseconds, and each line's Interval_Max is in milliseconds (max / 1000).
 * Histograms are untagged, so HistogramLogProcessor reads them without `-tag`.
 */

/** Interval_Max is written in ms: the writer divides the µs max by this. */
const MAX_VALUE_UNIT_RATIO = 1000;

/** A comment is one line: a run name never breaks the log's structure. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ");

export function runHlog(input: RunExportInput): string {
  const { run } = input;
  const chunks: string[] = [];
  const writer = new HistogramLogWriter((text) => chunks.push(text));
  const reps = [...input.repetitions].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const startMs = reps[0]?.startedAt.getTime() ?? run.startedAt?.getTime() ?? run.createdAt.getTime();
  writer.outputComment(oneLine(`MeshBench run ${run.id} "${run.name}" (${run.mesh}, ${run.loadGenerator})`));
  writer.outputComment("Values in microseconds; Interval_Max in milliseconds");
  writer.outputComment("One interval per repetition: its measured window, warm-up excluded");
  writer.outputLogFormatVersion();
  // Written by hand: the library's outputStartTime adds an empty line and a local-time date.
  writer.outputComment(`[StartTime: ${(startMs / 1000).toFixed(3)} (seconds since epoch), ${new Date(startMs).toISOString()}]`);
  writer.outputLegend();
  for (const rep of reps) {
    writer.outputComment(
      `repetition ${rep.iteration}: ${rep.count} responses, ${rep.errorCount} errors, ${rep.actualQps.toFixed(2)} req/s`,
    );
    const start = (rep.startedAt.getTime() - startMs) / 1000;
    writer.outputIntervalHistogram(rep.histogram, start, start + rep.measuredSeconds, MAX_VALUE_UNIT_RATIO);
  }
  return chunks.join("");
}
