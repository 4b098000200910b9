import { median } from "~/bench/lib/stats";
import { measuredRow, type Row } from "~/bench/lib/table";
import { loadComparison } from "~/server/reports/comparison";

/**
 * compare.runs' body in-process, first view of each group of 8 runs (the bootstrap runs) against
 * a repeat view of the same groups (the comparison is reused), side by side. The HTTP rows above
 * see repeat views only: the app's warm-up has already built every group once.
 */
export async function comparisonReuseRow(section: string, groups: readonly string[][]): Promise<Row> {
  const timeEach = async () => {
    const ms: number[] = [];
    for (const g of groups) {
      const t = performance.now();
      await loadComparison(g);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const first = await timeEach();
  const repeat = await timeEach();
  return measuredRow({
    section,
    figure: "compare.runs with 8 runs, in-process: repeat view vs first view",
    ours: repeat * 1000,
    reference: first * 1000,
    unit: "us",
    target: { kind: "none" },
    note: `Medians over ${groups.length} groups of 8 runs. A first view runs the bootstrap (2,000 resamples per run); a comparison of finished runs is then reused until one of them changes (server/reports/comparison.ts).`,
  });
}
