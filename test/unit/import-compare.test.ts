import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildComparison, type CompareRunInput, regression } from "~/core/compare";
import { verdictLabel } from "~/core/format/compare";
import { decodeHistogram } from "~/core/histogram";
import { parseImport } from "~/core/imports/detect";
import type { ImportProvenance } from "~/core/imports/provenance";
import { renderReportHtml } from "~/worker/reports/html";

/** Imported runs as the comparison takes them, parsed from the fixtures (test/fixtures/imports/README.md). */
const fixture = (dir: string, name: string) => readFileSync(path.resolve(import.meta.dirname, "../fixtures", dir, name), "utf8");

function importedInput(id: string, text: string, fileName: string): CompareRunInput {
  const p = parseImport(text);
  const imported: ImportProvenance = {
    format: p.format,
    tool: p.tool,
    toolVersion: p.toolVersion,
    fileName,
    uploadedBy: "operator@example.test",
    uploadedAt: "2026-11-30T10:00:00.000Z",
    latencyData: p.latency.kind === "histogram" ? "histogram" : "percentiles-only",
    countKnown: p.count !== null,
    errorsKnown: p.errors !== null,
    timesKnown: p.startedAt !== null,
    requestedQps: p.requestedQps,
    connections: p.connections,
    durationSeconds: p.durationSeconds,
    intervals: p.intervals,
    bucketResolution: p.bucketResolution,
    warnings: p.warnings,
  };
  const errors = p.errors ?? {};
  return {
    id,
    name: fileName,
    mesh: "baseline",
    backend: "KUBERNETES",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-30T10:00:00Z"),
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
    createdBy: "operator@example.test",
    spec: null,
    imported,
    repetitions: [
      {
        iteration: 1,
        requestedQps: p.requestedQps,
        actualQps: p.actualQps,
        count: p.count ?? 0,
        errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
        errors,
        histogram: p.latency.kind === "histogram" ? decodeHistogram(p.latency.histogram) : null,
        reported: p.latency.kind === "percentiles" ? p.latency : null,
        components: [],
        measuredSeconds: p.durationSeconds,
      },
    ],
    probes: [],
  };
}

describe("imported runs in comparisons, reports and gates", () => {
  const fortio = () => importedInput("fortio-run", fixture("fortio", "fixed-rate-1000qps.json"), "fortio.json");
  const smp = () => importedInput("smp-run", fixture("imports", "smp-result.json"), "smp-result.json");

  it("a percentiles-only run shows what its file reported, with no interval and no judged difference", () => {
    const c = buildComparison([fortio(), smp()], { baselineId: "fortio-run", iterations: 200 });
    const s = c.runs.find((r) => r.id === "smp-run");
    expect(s?.percentilesOnly).toBe(true);
    expect(s?.latency.p50).toEqual({ value: 1105, ci: null });
    expect(s?.latency.p99).toEqual({ value: 3912, ci: null });
    // SMP has no p99.9: missing, never interpolated.
    expect(s?.latency.p999.value).toBeNull();
    expect(s?.requestCount).toBeNull();
    expect(s?.errorCount).toBeNull();
    expect(s?.errorRate).toBeNull();
    expect(s?.overhead?.p99).toMatchObject({ absoluteCi: null, percentCi: null, ciUnavailable: "percentiles-only" });
    expect(s?.overhead?.p99?.absoluteUs).toBeCloseTo(3912 - (c.runs[0]?.latency.p99.value ?? 0), 6);
    expect(s?.loadGenerator).toBe("SMP (fortio) (imported)");
    // No "single repetition" or "few samples" noise about it: the percentiles-only warning says what matters.
    const about = c.warnings.filter((w) => w.runIds.length === 1 && w.runIds[0] === "smp-run").map((w) => w.code);
    expect(about.sort()).toEqual(["imported", "percentiles-only"]);
    expect(c.warnings.find((w) => w.code === "imported" && w.runIds[0] === "smp-run")?.message).toMatch(
      /Its file does not say: .*request count, errors/,
    );
  });

  it("the report names the source and says percentiles only", () => {
    const c = buildComparison([fortio(), smp()], { baselineId: "fortio-run", iterations: 200 });
    const report = renderReportHtml({ title: "t", generatedAt: new Date(), generatedBy: null, comparison: c, environment: null });
    expect(report).toContain("imported from SMP (fortio) v0.0.1 (smp-result.json)");
    expect(report).toContain("imported from fortio 1.69.1 (fortio.json)");
    expect(report).toContain("no interval: percentiles only");
  });

  it("a regression gate gives no verdict: not enough data, percentiles only", () => {
    const judged = regression(smp(), fortio(), { iterations: 200 });
    expect(judged.verdict).toBeNull();
    expect(judged.noVerdictReason).toBe("percentiles-only");
    expect(verdictLabel(judged.verdict, judged.noVerdictReason)).toBe("not enough data: percentiles only");
  });
});
