import { describe, expect, it } from "vitest";
import { fmtBytes, fmtMs, fmtPct, fmtRate, fmtRatio, fmtUs } from "~/bench/lib/format";
import { couldNotMeasure, describeTarget, errorRow, judge, measuredRow, notMeasuredRow, renderMarkdown } from "~/bench/lib/table";

describe("formatting", () => {
  it("writes latencies, rates, sizes, ratios and shares in fixed units", () => {
    expect(fmtUs(187)).toBe("187 µs");
    expect(fmtUs(1430)).toBe("1.43 ms");
    expect(fmtUs(25_400)).toBe("25.4 ms");
    expect(fmtUs(2_000_000)).toBe("2.00 s");
    expect(fmtUs(null)).toBe("—");
    expect(fmtUs(Number.NaN)).toBe("—");
    expect(fmtRate(59_250.25)).toBe("59,250 rps");
    expect(fmtBytes(900)).toBe("900 B");
    expect(fmtBytes(6656)).toBe("6.5 KB");
    expect(fmtRatio(0.9512)).toBe("0.951×");
    expect(fmtRatio(443.2)).toBe("443×");
    expect(fmtPct(0.00412)).toBe("0.41%");
    expect(fmtMs(7.664, 2)).toBe("7.66 ms");
    expect(fmtMs(464.42, 2)).toBe("464 ms");
    expect(fmtMs(1486.2)).toBe("1.49 s");
  });
});

describe("targets and verdicts", () => {
  it("judges ratio and value targets, and says 'info' without one", () => {
    expect(judge({ kind: "ratio-min", min: 0.7 }, 70, 0.7)).toBe("pass");
    expect(judge({ kind: "ratio-min", min: 0.7 }, 69, 0.69)).toBe("miss");
    expect(judge({ kind: "ratio-within", tolerance: 0.01 }, 0, 1.01)).toBe("pass");
    expect(judge({ kind: "ratio-within", tolerance: 0.01 }, 0, 0.98)).toBe("miss");
    expect(judge({ kind: "ours-max", max: 16_383 }, 16_384, null)).toBe("miss");
    expect(judge({ kind: "ours-min", min: 864_000 }, 900_000, null)).toBe("pass");
    expect(judge({ kind: "none" }, null, null)).toBe("info");
  });

  it("turns a missing figure under a target into an error, never a pass", () => {
    expect(judge({ kind: "ratio-min", min: 0.7 }, null, null)).toMatch(/^error: could not measure/);
    expect(judge({ kind: "ours-max", max: 1 }, Number.NaN, null)).toMatch(/^error:/);
  });

  it("describes targets", () => {
    expect(describeTarget({ kind: "ratio-min", min: 0.7 }, "rps")).toBe("ratio ≥ 0.7");
    expect(describeTarget({ kind: "ratio-within", tolerance: 0.1 }, "us")).toBe("ratio 1 ± 10%");
    expect(describeTarget({ kind: "ours-max", max: 16_384 }, "bytes")).toBe("≤ 16.0 KB");
  });
});

describe("rows", () => {
  it("computes ours / reference and formats by unit", () => {
    const row = measuredRow({
      section: "1",
      figure: "Max throughput",
      ours: 45_000,
      reference: 60_000,
      unit: "rps",
      target: { kind: "ratio-min", min: 0.7 },
    });
    expect(row).toMatchObject({
      ours: "45,000 rps",
      reference: "60,000 rps",
      ratio: "0.750×",
      target: "ratio ≥ 0.7",
      verdict: "pass",
    });
    expect(row.values).toEqual({ ours: 45_000, reference: 60_000, ratio: 0.75, unit: "rps" });
  });

  it("keeps overridden cell text, an explicit ratio and the note", () => {
    const row = measuredRow({
      section: "2",
      figure: "runs.get",
      ours: 8_000,
      reference: 40,
      ratio: 200,
      unit: "us",
      oursText: "p50 8.00 ms · p95 9.00 ms",
      target: { kind: "none" },
      targetText: "none",
      note: "3 statements",
    });
    expect(row).toMatchObject({
      ours: "p50 8.00 ms · p95 9.00 ms",
      reference: "40 µs",
      ratio: "200×",
      target: "none",
      verdict: "info",
      note: "3 statements",
    });
  });

  it("has error and not-measured rows; only errors make the bench fail", () => {
    const err = errorRow("1", "wrk", new Error("wrk exited 1: no such host\nmore"));
    expect(err.verdict).toBe("error: could not measure (wrk exited 1: no such host)");
    const pending = notMeasuredRow("4", "PDF report", "—", "feature not built yet");
    expect(pending.verdict).toBe("not measured: feature not built yet");
    expect(pending.ours).toBe("—");
    expect(couldNotMeasure([pending])).toBe(false);
    expect(couldNotMeasure([pending, err])).toBe(true);
  });
});

describe("renderMarkdown", () => {
  it("renders a table with escaped pipes and numbered notes", () => {
    const md = renderMarkdown([
      measuredRow({
        section: "1",
        figure: "a | b",
        ours: 1,
        reference: 2,
        unit: "count",
        target: { kind: "none" },
        note: "first note",
      }),
      notMeasuredRow("4", "PDF", "—", "feature not built yet"),
    ]);
    const lines = md.trim().split("\n");
    expect(lines[0]).toBe("| # | figure | ours | reference | ratio | target | verdict |");
    expect(lines[1]).toBe("|---|---|---|---|---|---|---|");
    expect(lines[2]).toBe("| 1 | a \\| b [1] | 1 | 2 | 0.500× | — (no target) | info |");
    expect(lines[3]).toBe("| 4 | PDF | — | — | — | — | not measured: feature not built yet |");
    expect(lines.at(-1)).toBe("[1] first note");
  });
});
