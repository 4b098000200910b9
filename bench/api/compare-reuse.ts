import { fmtUs } from "~/bench/lib/format";
import { median } from "~/bench/lib/stats";
import { measuredRow, type Row } from "~/bench/lib/table";
import { loadComparison } from "~/server/reports/comparison";

/**
 * compare.runs' body in-process, first view of each group of 8 runs (the bootstrap runs) against
 * a repeat view of the same groups (the comparison is reused), side by side. The HTTP rows above
 * see repeat views only: the app's warm-up has already built every group once.
 */
export async function comparisonReuseRow(section: string, groups: readonly string[][]): Promise<Row> {
  const timeEach = async (list: readonly string[][]) => {
    const ms: number[] = [];
    for (const g of list) {
      const t = performance.now();
      await loadComparison(g);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const first = await timeEach(groups);
  const repeat = await timeEach(groups);
  // New groups of runs already seen: half of one group with half of the next.
  const regrouped = groups.slice(1).map((g, i) => [...(groups[i] ?? []).slice(0, 4), ...g.slice(4)]);
  const mixed = await timeEach(regrouped);
  return measuredRow({
    section,
    figure: "compare.runs with 8 runs, in-process: repeat view vs first view",
    ours: repeat * 1000,
    reference: first * 1000,
    unit: "us",
    target: { kind: "none" },
    note: `Medians over ${groups.length} groups of 8 runs. A first view runs the bootstrap (2,000 resamples per run); a comparison of finished runs is then reused until one of them changes, and each run's bootstrap is reused by any other comparison it is in: a new comparison of 8 runs already seen took ${fmtUs(mixed * 1000)} (server/reports/comparison.ts).`,
  });
}
