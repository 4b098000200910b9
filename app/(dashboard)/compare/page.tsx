import { CompareView } from "~/components/compare/compare-view";
import { parseRunIds } from "~/components/compare/href";
import { RegressionsView } from "~/components/compare/regressions";
import { RunPicker } from "~/components/compare/run-picker";
import { MAX_COMPARE_RUNS, MIN_COMPARE_RUNS } from "~/core/compare-limits";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** /compare?runs=a,b[&baseline=a] compares; without runs (or with ?pick=) it lets you choose. */
export default async function ComparePage({ searchParams }: { searchParams: SearchParams }) {
  const [params, session] = await Promise.all([searchParams, getSession()]);
  const mayOperate = canOperate(session?.user.role);
  const runIds = parseRunIds(params.runs);
  const baseline = typeof params.baseline === "string" ? params.baseline : null;
  if (runIds.length >= MIN_COMPARE_RUNS && runIds.length <= MAX_COMPARE_RUNS) {
    return <CompareView key={`${runIds.join(",")}:${baseline}`} runIds={runIds} baselineId={baseline} canOperate={mayOperate} />;
  }
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Compare runs</h1>
      </div>
      {runIds.length > MAX_COMPARE_RUNS && <div className="notice">At most {MAX_COMPARE_RUNS} runs can be compared at once.</div>}
      <p className="muted">
        Pick {MIN_COMPARE_RUNS} to {MAX_COMPARE_RUNS} succeeded runs. The comparison has its own address: share it, and everyone
        sees the same figures and intervals.
      </p>
      <RunPicker initial={[...runIds, ...parseRunIds(params.pick)]} mode="compare" canOperate={mayOperate} />
      <RegressionsView />
    </>
  );
}
