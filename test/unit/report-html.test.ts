import { describe, expect, it } from "vitest";
import { buildComparison, type CompareRunInput, type Comparison } from "~/core/compare";
import { formatSignedPercent } from "~/core/format/compare";
import { formatLatencyUs } from "~/core/format/units";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import { runSpecSchema } from "~/core/spec";
import { sampleNormal, seededRng } from "~/core/stats";
import { contentDisposition, slugify } from "~/server/reports/http";
import { renderReportHtml, reportSections } from "~/worker/reports/html";
import { escapeHtml, html } from "~/worker/reports/html-template";
import { niceTicks } from "~/worker/reports/svg-charts";

function run(
  id: string,
  name: string,
  mesh: "baseline" | "nginx",
  scale: number,
  withProbe: boolean,
  repetitionCount = 1,
): CompareRunInput {
  const rng = seededRng(id.length);
  const histogram = () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 5000; i++) recordLatencyUs(h, scale * Math.exp(Math.log(300) + 0.3 * sampleNormal(rng)));
    return h;
  };
  return {
    id,
    name,
    mesh,
    backend: "LOCAL",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-02T08:00:00Z"),
    startedAt: new Date("2026-11-02T08:00:00Z"),
    finishedAt: new Date("2026-11-02T08:00:12Z"),
    createdBy: "admin@example.test",
    spec: runSpecSchema.parse({ mesh, rate: 500, connections: 8, durationSeconds: 10, warmupSeconds: 2 }),
    repetitions: Array.from({ length: repetitionCount }, (_, i) => ({
      iteration: i + 1,
      requestedQps: 500,
      actualQps: 499,
      count: 5000,
      errorCount: 0,
      errors: {},
      histogram: histogram(),
      measuredSeconds: 10,
      components: [{ component: "loadgen", role: "loadgen" as const, cpuCores: 0.1, maxRssBytes: 50_000_000 }],
    })),
    probes: withProbe
      ? [
          {
            probe: "runqlat",
            iteration: 1,
            node: "host",
            available: true,
            reason: null,
            summary: { p50Us: 3, p99Us: 40, eventsPerSecond: 1234 },
            histograms: [
              {
                metric: "runqlat",
                labels: {},
                unit: "µs",
                buckets: [
                  { min: 1, max: 1, count: 10 },
                  { min: 2, max: 3, count: 30 },
                ],
                count: 40,
              },
            ],
          },
        ]
      : [
          {
            probe: "runqlat",
            iteration: 1,
            node: "host",
            available: false,
            reason: "tracefs not mounted",
            summary: {},
            histograms: [],
          },
        ],
  };
}

const evil = `<script>alert("x")</script> & "quotes"`;
const comparison = buildComparison(
  [run("aa", "baseline run", "baseline", 1, true, 3), run("bbb", evil, "nginx", 1.4, false, 3)],
  { iterations: 300 },
);

function render(c: Comparison, title = `Report of ${evil}`): string {
  return renderReportHtml({
    title,
    generatedAt: new Date("2026-11-02T09:00:00Z"),
    generatedBy: "admin@example.test",
    comparison: c,
    environment: {
      hostname: "bench-1",
      os: "Linux x64",
      kernel: "6.1.0",
      cpuModel: "Test CPU",
      cpuCount: 2,
      memoryBytes: 8 * 1024 ** 3,
      node: "v20.20.0",
      software: [{ name: "nginx", version: "1.22.1" }],
    },
    reportId: "r1",
  });
}
const doc = render(comparison);

describe("report HTML", () => {
  it("is one self-contained document: no script, no external reference, names escaped", () => {
    expect(doc.startsWith("<!doctype html>")).toBe(true);
    expect(doc).not.toMatch(/https?:\/\//);
    expect(doc).not.toMatch(/<script|<link|<img|<iframe|\s(src|href)=|url\(/i);
    expect(doc).toContain(escapeHtml(evil));
    expect(doc).toContain("<title>Report of &lt;script&gt;");
  });

  it("has every section, the kernel probe section when a run has probe results, and a page break before each", () => {
    const sections = reportSections(comparison);
    expect(sections.map((s) => s.id)).toEqual([
      "summary",
      "environment",
      "methodology",
      "results",
      "charts",
      "resources",
      "probes",
      "warnings",
    ]);
    for (const s of sections) expect(doc).toContain(`<section id="${s.id}">`);
    expect(doc).toContain("section + section { break-before: page;");
    expect(doc).toContain("Run-queue latency");
    expect(doc).toContain("unavailable: tracefs not mounted");
    expect(doc).toContain("1,234");
    // without probe rows there is no probe section
    const plain = buildComparison([{ ...run("aa", "a", "baseline", 1, true), probes: [] }], { iterations: 50 });
    expect(reportSections(plain).map((s) => s.id)).not.toContain("probes");
  });

  it("shows the figures the compare page shows, with the overhead sentence and environment", () => {
    for (const r of comparison.runs) expect(doc).toContain(formatLatencyUs(r.latency.p99.value));
    expect(doc).toMatch(/adds <b>[\d.]+ (µs|ms)<\/b> at p99 compared with <b>baseline run<\/b> \([+−][\d.]+%, 95% CI \+/);
    expect(doc).not.toContain("cannot be judged from one repetition (");
    expect(doc).toContain("bench-1");
    expect(doc).toContain("1.22.1");
    expect((doc.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(5);
  });
});

describe("report HTML of single-repetition runs", () => {
  const once = buildComparison(
    [run("aa", "baseline once", "baseline", 1, false), run("bbb", "nginx once", "nginx", 1.4, false)],
    {
      iterations: 200,
    },
  );
  const text = render(once, "one repetition each");

  it("says the difference cannot be judged, names the runs and asks for three repetitions, with no interval or verdict", () => {
    const summary = text.slice(text.indexOf('<section id="summary">'), text.indexOf('<section id="environment">'));
    expect(summary).toContain(
      "The difference cannot be judged from one repetition (“nginx once” and “baseline once” were measured once)",
    );
    expect(summary).toContain("Run them again with 3 or more repetitions.");
    expect(summary).not.toMatch(/adds <b>|saves <b>|95% CI/);
    expect(summary).toContain("no interval: one repetition");
    const results = text.slice(text.indexOf('<section id="results">'), text.indexOf('<section id="charts">'));
    expect(results).not.toMatch(/verdict-(regressed|improved)/);
    expect(results).toContain("no interval: one repetition");
    // the point difference is still there, as a fact
    expect(summary).toContain(formatSignedPercent(once.runs[1]?.overhead?.p99?.percent));
  });
});

describe("report helpers", () => {
  it("escape every interpolation unless it is already markup", () => {
    expect(html`<b>${"<i>"}</b>${html`<i>ok</i>`}${[1, null, "&"]}`.value).toBe("<b>&lt;i&gt;</b><i>ok</i>1&amp;");
  });

  it("make download names safe", () => {
    expect(slugify("Comparison: baseline vs nginx (1 KB) é")).toBe("comparison-baseline-vs-nginx-1-kb-e");
    expect(slugify("!!!")).toBe("report");
    expect(contentDisposition('a "b" ü.pdf')).toBe(
      `attachment; filename="a _b_ _.pdf"; filename*=UTF-8''a%20%22b%22%20%C3%BC.pdf`,
    );
    expect(contentDisposition("x.html", true)).toMatch(/^inline; /);
  });

  it("pick round axis ticks", () => {
    expect(niceTicks(0.38, 4)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
