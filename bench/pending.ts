import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { notMeasuredRow, type Row } from "./lib/table";

const SECTION = "4";

function hasSources(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith(".ts") || f.endsWith(".tsx"));
  } catch {
    return false;
  }
}

/**
 * Section 4: reports (issue 6) and eBPF probes (issue 5). Until they exist these rows say so:
 * a figure is never invented. Once the code appears, the rows say the bench is not wired to it yet.
 */
export function pendingRows(repo: string): Row[] {
  const reports = existsSync(path.join(repo, "server", "reports")) && hasSources(path.join(repo, "server", "reports"));
  const probes = hasSources(path.join(repo, "worker", "probes"));
  const reason = (built: boolean) => (built ? "feature exists, bench not wired to it yet" : "feature not built yet");
  return [
    notMeasuredRow(SECTION, "HTML report generation time, 8-run comparison", "—", reason(reports)),
    notMeasuredRow(SECTION, "PDF report generation time, 8-run comparison", "—", reason(reports)),
    notMeasuredRow(SECTION, "p50 with eBPF probes / p50 without (ratio)", "—", reason(probes)),
  ];
}
