import { interferenceDisparity } from "~/core/interference";
import type { ComparisonWarning } from "~/core/warnings";
import { runDetail } from "~/server/runs/store";

/**
 * The report's warning that its runs were disturbed unequally by other activity on the machine
 * (core/interference.ts), as the compare page shows it; none when they were not, or when fewer
 * than two of them were measured (cluster runs, older runs).
 */
export async function interferenceWarnings(runIds: readonly string[]): Promise<ComparisonWarning[]> {
  const runs = [];
  for (const id of runIds) {
    const run = await runDetail(id);
    if (run) runs.push({ name: run.name, interference: run.interference });
  }
  const message = interferenceDisparity(runs);
  return message ? [{ code: "differs-interference", severity: "warning", message, runIds: [...runIds] }] : [];
}
