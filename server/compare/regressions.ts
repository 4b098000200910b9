import type { RegressionResult } from "~/core/compare";
import { judgeAgainstBaseline, loadCompareInputs } from "~/server/reports/comparison";
import { findRunsJudgedAgainst, isComparableStatus, listProfileBaselines, type RunHeader } from "~/server/runs/store";

export interface RegressionRow extends RegressionResult {
  name: string;
  createdAt: Date;
}

export interface ProfileRegressions {
  mesh: string;
  backend: string;
  baseline: { id: string; name: string; createdAt: Date; p99Us: number | null };
  /** Later succeeded runs of the profile, newest first. */
  runs: RegressionRow[];
}

/**
 * Verdict of one run against its profile's baseline; null when the run is not comparable, the
 * profile has none, or the baseline is the run itself or newer than it.
 */
export async function runRegression(
  run: Pick<RunHeader, "id" | "status" | "createdAt">,
  baseline: { id: string; name: string; createdAt: Date } | null,
): Promise<(RegressionResult & { baselineName: string }) | null> {
  if (!isComparableStatus(run.status)) return null;
  // Only later runs are judged against a baseline, as in listRegressions.
  if (!baseline || baseline.id === run.id || run.createdAt <= baseline.createdAt) return null;
  const [input, base] = await loadCompareInputs([run.id, baseline.id]);
  if (!input || !base || input.repetitions.length === 0 || base.repetitions.length === 0) return null;
  return { ...judgeAgainstBaseline(input, base), baselineName: baseline.name };
}

/** Every profile with a baseline, and its later runs judged against it (at most `limit` per profile). */
export async function listRegressions(limit = 10): Promise<ProfileRegressions[]> {
  const out: ProfileRegressions[] = [];
  for (const b of await listProfileBaselines()) {
    const later = await findRunsJudgedAgainst(b, limit);
    const inputs = later.length > 0 ? await loadCompareInputs([b.id, ...later.map((r) => r.id)]) : [];
    const [base, ...rest] = inputs;
    out.push({
      mesh: b.mesh,
      backend: b.backend,
      baseline: { id: b.id, name: b.name, createdAt: b.createdAt, p99Us: b.p99Us },
      runs:
        base && base.repetitions.length > 0
          ? rest
              .filter((r) => r.repetitions.length > 0)
              .map((r) => ({ ...judgeAgainstBaseline(r, base), name: r.name, createdAt: r.createdAt }))
          : [],
    });
  }
  return out;
}
