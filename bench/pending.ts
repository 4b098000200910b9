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

const reason = (built: boolean) => (built ? "feature exists, bench not wired to it yet" : "feature not built yet");

/** True once the report code (issue 6) exists: then bench/reports measures it. */
export function reportsBuilt(repo: string): boolean {
  return existsSync(path.join(repo, "server", "reports")) && hasSources(path.join(repo, "server", "reports"));
}

/** Section 4 rows for reports before they exist: a figure is never invented. */
export function pendingReportRows(): Row[] {
  return [
    notMeasuredRow(SECTION, "HTML report generation time, 8-run comparison", "—", reason(false)),
    notMeasuredRow(SECTION, "PDF report generation time, 8-run comparison", "—", reason(false)),
  ];
}
