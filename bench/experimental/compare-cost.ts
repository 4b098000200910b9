/**
 * Experiment (not part of `npm run bench`): compare.runs in-process on the bench database (seed it
 * with `npm run bench -- --only=2` first), for profiling: node --cpu-prof via tsx.
 *
 *   npx tsx bench/experimental/compare-cost.ts
 */
import { applyBenchEnv } from "~/bench/env";

applyBenchEnv();
const { db } = await import("~/server/db/client");
const { loadComparison } = await import("~/server/reports/comparison");
const { median } = await import("~/bench/lib/stats");

const runs = await db.benchmarkRun.findMany({ where: { status: "SUCCEEDED" }, select: { id: true }, take: 80 });
const groups: string[][] = [];
for (let i = 0; i + 8 <= runs.length; i += 8) groups.push(runs.slice(i, i + 8).map((r) => r.id));
const timeAll = async (label: string) => {
  const samples: number[] = [];
  for (const g of groups) {
    const t = performance.now();
    await loadComparison(g);
    samples.push(performance.now() - t);
  }
  console.log(`compare.runs body (8 runs), ${label}, ${samples.length} calls: median ${median(samples).toFixed(1)} ms`);
};
await timeAll("first view of each group");
await timeAll("the same groups again");
// new groups of runs already seen: each run's bootstrap is reused
groups.push(...groups.splice(0).map((g, i, all) => [...g.slice(0, 4), ...(all[(i + 1) % all.length] ?? []).slice(4)]));
await timeAll("new groups of runs already seen");
await db.$disconnect();
