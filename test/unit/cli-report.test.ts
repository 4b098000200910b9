import { describe, expect, it } from "vitest";
import { EXIT } from "~/cli/exit-codes";
import { ProgressReporter, progressBar } from "~/cli/progress";
import { formatRunReport, outcomeOf, type RunReport } from "~/cli/report";
import { type Gate, type GateResult, judgeGate } from "~/core/gates";

const sides = [
  { name: "slowed", tailSamples: 1_500 },
  { name: "baseline", tailSamples: 1_500 },
] as const;

function gateResult(gate: Gate, lo: number, hi: number, baseUs: number, tails = 1_500): GateResult {
  const mid = (lo + hi) / 2;
  return judgeGate(
    gate,
    {
      absoluteUs: mid,
      percent: (mid / baseUs) * 100,
      absoluteCi: { lo, hi },
      percentCi: { lo: (lo / baseUs) * 100, hi: (hi / baseUs) * 100 },
      ciUnavailable: null,
    },
    { ...sides[0], tailSamples: tails },
    { ...sides[1], tailSamples: tails },
    { runUs: baseUs + mid, baselineUs: baseUs },
  );
}

function report(gates: GateResult[] | null, status = "SUCCEEDED", failOnRegression = true): RunReport {
  const { outcome, exitCode } = outcomeOf(status, gates, failOnRegression);
  return {
    run: {
      id: "run1",
      name: "slowed <b>",
      url: "https://mb.example/runs/run1",
      status,
      error: status === "FAILED" ? "upstream died" : null,
      mesh: "baseline",
      backend: "LOCAL",
      repetitions: 3,
      serviceTime: { distribution: "fixed", ms: 5 },
      p50Us: 5_300,
      p99Us: 6_100,
      p999Us: 7_000,
      throughputRps: 200,
    },
    baseline: { id: "base1", name: "baseline", url: "https://mb.example/runs/base1" },
    gates,
    differences: [],
    compareUrl: "https://mb.example/compare?runs=run1,base1&baseline=base1",
    outcome,
    exitCode,
  };
}

const p50: Gate = { percentile: "p50", minEffect: { percent: 10, us: 500 } };
const p99: Gate = { percentile: "p99", minEffect: { percent: 5, us: 50 } };
const regressed = gateResult(p50, 4_900, 5_200, 300);
const unchanged = gateResult(p99, -40, 60, 1_100);
const thin = gateResult({ percentile: "p99.9", minEffect: { percent: 5, us: 50 } }, 100, 900, 1_500, 12);

describe("the CLI's exit status", () => {
  it("is 1 only for a regression with --fail-on-regression, 3 for a failed or cancelled run", () => {
    expect(outcomeOf("SUCCEEDED", [regressed, unchanged], true)).toEqual({ outcome: "regressed", exitCode: EXIT.regression });
    expect(outcomeOf("SUCCEEDED", [regressed], false)).toEqual({ outcome: "regressed", exitCode: EXIT.ok });
    expect(outcomeOf("SUCCEEDED", [unchanged, thin], true)).toEqual({ outcome: "passed", exitCode: EXIT.ok });
    expect(outcomeOf("FAILED", null, true).exitCode).toBe(EXIT.runFailed);
    expect(outcomeOf("CANCELLED", [regressed], true).exitCode).toBe(EXIT.runFailed);
    expect(outcomeOf("QUEUED", null, true)).toEqual({ outcome: "started", exitCode: EXIT.ok });
  });
});

describe("the CLI's report formats", () => {
  const r = report([regressed, unchanged, thin]);

  it("markdown names the regressed gate with its interval, ready for a PR comment", () => {
    const md = formatRunReport(r, "markdown");
    expect(md).toContain("### 🔴 MeshBench: Regression at p50");
    expect(md).toContain(
      "| p50 ≥ +10% and +500 µs | 🔴 **regressed** | 5.35 ms | 300 µs | +5.05 ms (+1683.3%) | +4.90 ms … +5.20 ms (+1633.3% … +1733.3%) |",
    );
    expect(md).toContain("| p99 ≥ +5% and +50 µs | ⚪ no change |");
    expect(md).toContain("⚠️ not enough data");
    expect(md).toContain("too few requests above p99.9 (12 in “slowed” and 12 in “baseline”");
    // Markup in a run's name cannot break the comment.
    expect(md).toContain("slowed \\<b\\>");
    expect(md).toContain("added service time 5 ms fixed");
    expect(md).toContain("[Compare the runs](https://mb.example/compare?runs=run1,base1&baseline=base1)");
  });

  it("JUnit has one test case per gate: a regression fails, not enough data is skipped", () => {
    const xml = formatRunReport(r, "junit");
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(xml).toContain(
      '<testcase classname="meshbench.baseline" name="p50 ≥ +10% and +500 µs">\n      <failure message="regressed">',
    );
    expect(xml).toContain('name="meshbench: slowed &lt;b&gt;"');
    expect(xml).toMatch(/<skipped message="not enough data: too few requests above p99\.9/);
    const failedRun = formatRunReport(report(null, "FAILED"), "junit");
    expect(failedRun).toContain('tests="1" failures="0" errors="1"');
    expect(failedRun).toContain('<error message="run failed">upstream died</error>');
  });

  it("text and JSON carry the same verdicts and exit status", () => {
    const text = formatRunReport(r, "text");
    expect(text.split("\n")[0]).toBe("Regression at p50: “slowed <b>” against “baseline”");
    expect(text).toMatch(/ {2}REGRESSED {8}p50 ≥ \+10% and \+500 µs: \+5\.05 ms/);
    const json = JSON.parse(formatRunReport(r, "json")) as RunReport;
    expect(json.exitCode).toBe(EXIT.regression);
    expect(json.gates?.map((g) => g.verdict)).toEqual(["regressed", "no change", "not enough data"]);
  });
});

describe("the CLI's progress", () => {
  it("redraws one bar on a terminal and writes a line per phase or 10% step otherwise", () => {
    expect(progressBar(40, 10)).toBe("[####------]  40%");
    const tty: string[] = [];
    const bar = new ProgressReporter({ write: (t) => tty.push(t), isTTY: true, columns: 100 });
    bar.update({ status: "RUNNING", progress: 12, phase: "repetition 1 of 3: measuring" });
    bar.done();
    expect(tty[0]).toMatch(/^\r\[#{4}-{26}\] {2}12% running: repetition 1 of 3: measuring/);
    expect(tty.at(-1)).toBe("\n");
    const plain: string[] = [];
    const lines = new ProgressReporter({ write: (t) => plain.push(t), isTTY: false });
    for (const progress of [0, 3, 5, 11, 12]) lines.update({ status: "RUNNING", progress, phase: "measuring" });
    lines.update({ status: "SUCCEEDED", progress: 100, phase: null });
    expect(plain).toEqual(["0% running: measuring\n", "11% running: measuring\n", "100% succeeded\n"]);
  });
});
