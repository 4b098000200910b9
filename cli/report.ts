import { formatLatencyUs, formatRate } from "../core/format/units";
import { type GateResult, gateLabel } from "../core/gates";
import { describeServiceTime, type ServiceTime } from "../core/service-time";
import { EXIT, type ExitCode } from "./exit-codes";

/**
 * What `meshbench run` found, and the four ways to print it: text for a terminal, JSON for
 * scripts, JUnit (one test case per gate) for CI test reports, Markdown for a pull-request comment.
 */

export const RUN_FORMATS = ["text", "json", "junit", "markdown"] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

export interface ReportRun {
  id: string;
  name: string;
  url: string;
  status: string;
  error: string | null;
  mesh: string;
  backend: string;
  repetitions: number | null;
  serviceTime: ServiceTime | undefined;
  p50Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  throughputRps: number | null;
}

export type Outcome = "passed" | "regressed" | "run failed" | "started";

export interface RunReport {
  run: ReportRun;
  baseline: { id: string; name: string; url: string } | null;
  /** null when no gate was judged (no --baseline, no gates, or the run did not succeed). */
  gates: GateResult[] | null;
  /** Spec fields in which run and baseline differ (informational ones excluded). */
  differences: string[];
  /** Link to the comparison of run and baseline. */
  compareUrl: string | null;
  outcome: Outcome;
  exitCode: ExitCode;
}

/** The exit status and outcome of a finished run judged by its gates. */
export function outcomeOf(
  status: string,
  gates: readonly GateResult[] | null,
  failOnRegression: boolean,
): { outcome: Outcome; exitCode: ExitCode } {
  if (status === "FAILED" || status === "CANCELLED") return { outcome: "run failed", exitCode: EXIT.runFailed };
  if (status !== "SUCCEEDED") return { outcome: "started", exitCode: EXIT.ok };
  if (gates?.some((g) => g.verdict === "regressed")) {
    return { outcome: "regressed", exitCode: failOnRegression ? EXIT.regression : EXIT.ok };
  }
  return { outcome: "passed", exitCode: EXIT.ok };
}

function signedUs(us: number): string {
  return `${us >= 0 ? "+" : "−"}${formatLatencyUs(Math.abs(us))}`;
}

function signedPercent(p: number): string {
  return `${p >= 0 ? "+" : "−"}${Math.abs(p).toFixed(1)}%`;
}

/** "+5.12 ms (+4.98 ms … +5.30 ms)" or why there is no interval. */
export function changeText(g: GateResult): string {
  const c = g.change;
  if (!c) return "—";
  return `${signedUs(c.absoluteUs)}${c.percent === null ? "" : ` (${signedPercent(c.percent)})`}`;
}

/** The interval of the change, also as a share of the baseline's value (as the gate judged it). */
export function intervalText(g: GateResult): string {
  const ci = g.change?.absoluteCi;
  if (!ci) return "—";
  const base = g.baselineUs !== null && g.baselineUs > 0 ? g.baselineUs : null;
  const share = base === null ? "" : ` (${signedPercent((ci.lo / base) * 100)} … ${signedPercent((ci.hi / base) * 100)})`;
  return `${signedUs(ci.lo)} … ${signedUs(ci.hi)}${share}`;
}

const VERDICT_WORD: Record<GateResult["verdict"], string> = {
  regressed: "REGRESSED",
  improved: "improved",
  "no change": "no change",
  "not enough data": "not enough data",
};

function headline(r: RunReport): string {
  switch (r.outcome) {
    case "run failed":
      return `Run “${r.run.name}” ${r.run.status.toLowerCase()}${r.run.error ? `: ${r.run.error}` : ""}`;
    case "started":
      return `Run “${r.run.name}” started (${r.run.status.toLowerCase()})`;
    case "regressed": {
      const which = (r.gates ?? []).filter((g) => g.verdict === "regressed").map((g) => g.gate.percentile);
      return `Regression at ${which.join(", ")}: “${r.run.name}” against “${r.baseline?.name ?? "?"}”`;
    }
    case "passed":
      return r.gates
        ? `No regression: “${r.run.name}” against “${r.baseline?.name ?? "?"}”`
        : `Run “${r.run.name}” succeeded (no gate judged)`;
  }
}

function figures(run: ReportRun): string {
  return `p50 ${formatLatencyUs(run.p50Us)}, p99 ${formatLatencyUs(run.p99Us)}, p99.9 ${formatLatencyUs(run.p999Us)}, ${formatRate(run.throughputRps)}`;
}

export function formatText(r: RunReport): string {
  const lines = [headline(r), `run ${r.run.id} (${r.run.mesh}, ${r.run.backend.toLowerCase()}): ${r.run.url}`];
  if (r.run.status === "SUCCEEDED") lines.push(`  ${figures(r.run)}`);
  if (r.run.serviceTime) lines.push(`  added service time: ${describeServiceTime(r.run.serviceTime)}`);
  if (r.baseline) lines.push(`baseline ${r.baseline.id} “${r.baseline.name}”: ${r.baseline.url}`);
  if (r.differences.length > 0) lines.push(`warning: run and baseline differ in ${r.differences.join(", ")}`);
  for (const g of r.gates ?? []) {
    lines.push(`  ${VERDICT_WORD[g.verdict].padEnd(16)} ${gateLabel(g.gate)}: ${changeText(g)}; ${g.explanation}`);
  }
  if (r.compareUrl) lines.push(`compare: ${r.compareUrl}`);
  return `${lines.join("\n")}\n`;
}

export function formatJson(r: RunReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** JUnit XML: one test case per gate; a regression is a failure, not enough data is skipped. */
export function formatJunit(r: RunReport): string {
  const suite = `meshbench: ${r.run.name}`;
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  if (r.outcome === "run failed") {
    errors++;
    cases.push(
      `    <testcase classname="meshbench" name="run ${xml(r.run.id)}">\n      <error message="${xml(`run ${r.run.status.toLowerCase()}`)}">${xml(r.run.error ?? "")}</error>\n    </testcase>`,
    );
  }
  for (const g of r.gates ?? []) {
    const head = `    <testcase classname="meshbench.${xml(r.run.mesh)}" name="${xml(gateLabel(g.gate))}">`;
    const detail = xml(`${changeText(g)}; ${g.explanation}`);
    if (g.verdict === "regressed") {
      failures++;
      cases.push(`${head}\n      <failure message="regressed">${detail}</failure>\n    </testcase>`);
    } else if (g.verdict === "not enough data") {
      skipped++;
      cases.push(`${head}\n      <skipped message="${xml(`not enough data: ${g.explanation}`)}"/>\n    </testcase>`);
    } else {
      cases.push(
        `${head}\n      <system-out>${xml(`${g.verdict}: ${changeText(g)}; ${g.explanation}`)}</system-out>\n    </testcase>`,
      );
    }
  }
  if (cases.length === 0) {
    cases.push(`    <testcase classname="meshbench" name="run ${xml(r.run.id)}"/>`);
  }
  const attrs = `name="${xml(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs}>\n  <testsuite ${attrs}>\n${cases.join("\n")}\n  </testsuite>\n</testsuites>\n`;
}

function md(text: string): string {
  return text.replace(/([\\`*_[\]|<>])/g, "\\$1");
}

const VERDICT_MD: Record<GateResult["verdict"], string> = {
  regressed: "🔴 **regressed**",
  improved: "🟢 improved",
  "no change": "⚪ no change",
  "not enough data": "⚠️ not enough data",
};

/** A pull-request comment: the headline, the verdict per gate with its interval, and links. */
export function formatMarkdown(r: RunReport): string {
  const out: string[] = [];
  const icon = r.outcome === "regressed" ? "🔴" : r.outcome === "run failed" ? "❌" : "✅";
  out.push(`### ${icon} MeshBench: ${md(headline(r))}`, "");
  out.push(
    `Run [${md(r.run.name)}](${r.run.url}) · ${md(r.run.mesh)} on ${r.run.backend.toLowerCase()}` +
      (r.run.repetitions !== null ? ` · ${r.run.repetitions} repetitions` : "") +
      (r.run.serviceTime ? ` · added service time ${md(describeServiceTime(r.run.serviceTime))}` : ""),
  );
  if (r.baseline) out.push(`Baseline [${md(r.baseline.name)}](${r.baseline.url})`);
  out.push("");
  if (r.run.status === "SUCCEEDED") out.push(`Measured: ${md(figures(r.run))}`, "");
  if (r.gates && r.gates.length > 0) {
    out.push(
      "| Gate | Verdict | Run | Baseline | Change | 95% interval of the change |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const g of r.gates) {
      out.push(
        `| ${md(gateLabel(g.gate))} | ${VERDICT_MD[g.verdict]} | ${formatLatencyUs(g.runUs)} | ${formatLatencyUs(g.baselineUs)} | ${md(changeText(g))} | ${md(intervalText(g))} |`,
      );
    }
    out.push("");
    for (const g of r.gates) out.push(`- **${md(g.gate.percentile)}**: ${md(g.explanation)}.`);
    out.push("");
    out.push(
      "A gate fails only when the whole 95% interval of the change (run-to-run variation included) lies beyond its minimum effect; otherwise it says no change, or not enough data.",
    );
  }
  if (r.differences.length > 0)
    out.push("", `> ⚠️ Run and baseline differ in ${md(r.differences.join(", "))}: the verdicts compare unlike runs.`);
  if (r.outcome === "run failed" && r.run.error) out.push("", `> ${md(r.run.error)}`);
  if (r.compareUrl) out.push("", `[Compare the runs](${r.compareUrl})`);
  return `${out.join("\n")}\n`;
}

export function formatRunReport(r: RunReport, format: RunFormat): string {
  switch (format) {
    case "text":
      return formatText(r);
    case "json":
      return formatJson(r);
    case "junit":
      return formatJunit(r);
    case "markdown":
      return formatMarkdown(r);
  }
}
