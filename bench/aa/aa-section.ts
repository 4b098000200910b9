import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fmtPct, fmtUs } from "~/bench/lib/format";
import { errorRow, measuredRow, type Row } from "~/bench/lib/table";
import type { CompareRunInput } from "~/core/compare";
import { mergeHistograms, summarize } from "~/core/histogram";
import type { RunSpecInput } from "~/core/spec";
import { executeLocalRun } from "./local-run";
import { AA_PERCENTILES, type AaPercentile, countCalledDifferent, type PairCounts } from "./pairs";
import { repetitionSpread } from "./spread";

const SECTION = "5";
/** What a 95% interval promises: identical runs called different in at most 5% of pairs. */
const TARGET_SHARE = 0.05;

export interface AaPlan {
  /** Identical runs per repetition count; pairs = runs · (runs − 1) / 2. */
  runs: number;
  repetitionCounts: readonly number[];
  spec: Omit<RunSpecInput, "repetitions">;
}

/** The baseline profile at the new-run form's load; --quick: fewer, shorter runs. */
export function aaPlan(quick: boolean): AaPlan {
  return {
    runs: quick ? 3 : 4,
    repetitionCounts: [1, 3],
    spec: {
      backend: "LOCAL",
      mesh: "baseline",
      mode: "fixed-rate",
      rate: 500,
      connections: 8,
      durationSeconds: quick ? 2 : 6,
      warmupSeconds: quick ? 1 : 2,
      payloadBytes: 1024,
    },
  };
}

function shareText(counts: PairCounts): string {
  const shares = AA_PERCENTILES.map((k) => fmtPct(counts.calledDifferent[k] / counts.pairs, 0)).join(" / ");
  const numbers = AA_PERCENTILES.map((k) => counts.calledDifferent[k]).join(" / ");
  return `${shares} (${numbers} of ${counts.pairs} pairs)`;
}

function referenceText(counts: PairCounts): string {
  const shares = AA_PERCENTILES.map((k) => fmtPct(counts.samplingOnlyDifferent[k] / counts.pairs, 0)).join(" / ");
  const numbers = AA_PERCENTILES.map((k) => counts.samplingOnlyDifferent[k]).join(" / ");
  return `sampling-only interval ${shares} (${numbers})`;
}

/** Whether the runs differ by more than their repetitions predict (see spread.ts); null with one repetition. */
function spreadRow(runs: readonly CompareRunInput[], repetitions: number): Row | null {
  const spreadOf = repetitionSpread(runs);
  if (!spreadOf) return null;
  const perRepetition = runs
    .map((r) => r.repetitions.map((x) => fmtUs(x.histogram ? summarize(x.histogram)?.p50Us : undefined)).join(" · "))
    .join("; ");
  return measuredRow({
    section: SECTION,
    figure: `A/A, ${repetitions} repetitions: spread of the runs' p50 vs what their repetitions predict (SD, % of p50)`,
    ours: spreadOf.betweenRuns,
    reference: spreadOf.predicted,
    unit: "fraction",
    target: { kind: "none" },
    oursText: `${fmtPct(spreadOf.betweenRuns, 1)} between runs`,
    referenceText: `${fmtPct(spreadOf.predicted, 1)} predicted`,
    note:
      `p50 of each repetition, run by run: ${perRepetition}. A ratio well above 1 means a part of the variation is shared by ` +
      "all repetitions of a run (they run back to back on the same processes, under the same background load), which no " +
      "interval built from one run can include: comparing such runs needs them interleaved, or a quieter machine.",
  });
}

/** Each run's merged p50 and p99, so the note shows how far identical runs land apart. */
function spread(runs: readonly CompareRunInput[], k: AaPercentile): string {
  const values = runs.map(
    (r) => summarize(mergeHistograms(r.repetitions.flatMap((x) => (x.histogram ? [x.histogram] : []))))?.[`${k}Us`] ?? null,
  );
  return values.map((v) => fmtUs(v)).join(", ");
}

function rowFor(repetitions: number, runs: readonly CompareRunInput[], plan: AaPlan): Row {
  const counts = countCalledDifferent(runs);
  const worst = Math.max(...AA_PERCENTILES.map((k) => counts.calledDifferent[k] / counts.pairs));
  const samplingWorst = Math.max(...AA_PERCENTILES.map((k) => counts.samplingOnlyDifferent[k] / counts.pairs));
  const s = plan.spec;
  return measuredRow({
    section: SECTION,
    figure: `A/A: identical baseline runs called different at p50 / p99, ${repetitions} repetition${repetitions === 1 ? "" : "s"} each`,
    ours: worst,
    reference: samplingWorst,
    unit: "fraction",
    ratio: null,
    target: { kind: "ours-max", max: TARGET_SHARE },
    targetText: `≤ ${fmtPct(TARGET_SHARE, 0)}`,
    oursText: `${shareText(counts)}${counts.withInterval === 0 ? ", no interval: one repetition" : ""}`,
    referenceText: referenceText(counts),
    note:
      `${runs.length} runs of ${s.rate} rps, ${s.connections} connections, ${s.warmupSeconds} s warm-up + ${s.durationSeconds} s × ${repetitions}, ` +
      `each on a fresh local backend, compared pairwise by core/compare.ts (${counts.withInterval} of ${counts.pairs} pairs with an interval of the difference). ` +
      `Run p50s ${spread(runs, "p50")}; p99s ${spread(runs, "p99")}. The reference is the percentile interval of the paired ` +
      "bootstrap replicates, which allows nothing for run-to-run variation. On a shared machine these shares move from bench to bench.",
  });
}

/**
 * Section 5: do the intervals of a difference mean what they say? Identical runs of the baseline
 * profile through the real local backend and load generator, interleaved by repetition count so
 * both see the same machine, then every pair compared the way the compare page compares them.
 */
export async function aaRows(opts: { quick: boolean; runDir: string; log: (m: string) => void }): Promise<Row[]> {
  const plan = aaPlan(opts.quick);
  const runRoot = path.join(opts.runDir, "aa");
  await mkdir(runRoot, { recursive: true });
  const byRepetitions = new Map<number, CompareRunInput[]>(plan.repetitionCounts.map((r) => [r, []]));
  const stamp = Date.now().toString(36);
  try {
    for (let i = 0; i < plan.runs; i++) {
      for (const repetitions of plan.repetitionCounts) {
        const run = await executeLocalRun({
          id: `aa-${stamp}-${repetitions}x-${i + 1}`,
          name: `A/A ${repetitions}× #${i + 1}`,
          spec: { ...plan.spec, repetitions },
          runRoot,
        });
        byRepetitions.get(repetitions)?.push(run);
        opts.log(`A/A: run ${i + 1}/${plan.runs} with ${repetitions} repetition(s) done`);
      }
    }
  } catch (error) {
    return [errorRow(SECTION, "A/A: identical baseline runs called different", error)];
  }
  return plan.repetitionCounts.flatMap((r) => {
    const runs = byRepetitions.get(r) ?? [];
    const spreadOfRuns = spreadRow(runs, r);
    return spreadOfRuns ? [rowFor(r, runs, plan), spreadOfRuns] : [rowFor(r, runs, plan)];
  });
}
