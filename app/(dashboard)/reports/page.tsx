import { RunPicker } from "~/components/compare/run-picker";
import { ReportsList } from "~/components/reports/reports-list";
import { canOperate, isAdmin } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function ReportsPage() {
  const session = await getSession();
  const mayOperate = canOperate(session?.user.role);
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Reports</h1>
      </div>
      <p className="muted">
        Self-contained HTML and PDF reports of a run or a comparison: environment, spec, methodology, results with confidence
        intervals, charts, probes and warnings. Anyone logged in can download them
        {mayOperate ? "" : "; operators and admins generate them"}.
      </p>
      <ReportsList canDelete={isAdmin(session?.user.role)} />
      {mayOperate && (
        <>
          <h2>New report</h2>
          <RunPicker initial={[]} mode="report" canOperate />
        </>
      )}
    </>
  );
}
