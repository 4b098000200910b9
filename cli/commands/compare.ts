import { formatLatencyUs, formatRate } from "../../core/format/units";
import type { Overhead } from "../../core/verdict";
import { apiClient, type Connection, call } from "../api";
import { EXIT, type ExitCode } from "../exit-codes";
import { compareUrl, emit } from "../output";

export const COMPARE_FORMATS = ["text", "json", "markdown"] as const;

export interface CompareOptions {
  runIds: string[];
  baseline: string | undefined;
  format: (typeof COMPARE_FORMATS)[number];
  output: string | undefined;
}

function overheadText(o: Overhead | null | undefined): string {
  if (!o) return "";
  const sign = (v: number) => `${v >= 0 ? "+" : "−"}${formatLatencyUs(Math.abs(v))}`;
  const ci = o.absoluteCi ? ` [${sign(o.absoluteCi.lo)} … ${sign(o.absoluteCi.hi)}]` : " [no interval]";
  return ` (${sign(o.absoluteUs)}${ci})`;
}

/** `meshbench compare <ids…>`: 2-8 succeeded runs side by side, overheads against the baseline with 95% intervals. */
export async function compareCommand(connection: Connection, options: CompareOptions): Promise<ExitCode> {
  const api = apiClient(connection);
  const comparison = await call("Comparing runs", () =>
    api.compare.runs.query({ runIds: options.runIds, baselineId: options.baseline ?? null }),
  );
  if (options.format === "json") {
    await emit(`${JSON.stringify(comparison, null, 2)}\n`, options.output);
    return EXIT.ok;
  }
  const rows = comparison.runs.map((r) => ({
    name: `${r.name}${r.id === comparison.baselineId ? " (baseline)" : ""}`,
    id: r.id,
    mesh: r.mesh,
    p50: `${formatLatencyUs(r.latency.p50.value)}${overheadText(r.overhead?.p50)}`,
    p99: `${formatLatencyUs(r.latency.p99.value)}${overheadText(r.overhead?.p99)}`,
    p999: `${formatLatencyUs(r.latency.p999.value)}${overheadText(r.overhead?.p999)}`,
    rate: formatRate(r.throughput.value),
  }));
  const link = comparison.baselineId
    ? compareUrl(
        connection.url,
        comparison.runs.map((r) => r.id),
        comparison.baselineId,
      )
    : null;
  const warnings = comparison.warnings.map((w) => w.message);
  if (options.format === "markdown") {
    const lines = [
      "| Run | Mesh | p50 | p99 | p99.9 | Throughput |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.name} | ${r.mesh} | ${r.p50} | ${r.p99} | ${r.p999} | ${r.rate} |`),
      "",
      "Overheads against the baseline, with the 95% interval of the difference in brackets.",
      ...warnings.map((w) => `> ⚠️ ${w}`),
      ...(link ? ["", `[Open the comparison](${link})`] : []),
    ];
    await emit(`${lines.join("\n")}\n`, options.output);
    return EXIT.ok;
  }
  const lines = rows.flatMap((r) => [
    `${r.name} [${r.id}, ${r.mesh}]`,
    `  p50 ${r.p50}`,
    `  p99 ${r.p99}`,
    `  p99.9 ${r.p999}`,
    `  throughput ${r.rate}`,
  ]);
  lines.push(...warnings.map((w) => `warning: ${w}`));
  if (link) lines.push(`compare: ${link}`);
  await emit(`${lines.join("\n")}\n`, options.output);
  return EXIT.ok;
}
