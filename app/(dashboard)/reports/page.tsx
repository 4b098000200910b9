import { RunPicker } from "~/components/compare/run-picker";
import { ReportsList } from "~/components/reports/reports-list";
import { getSession } from "~/server/auth/session";

export default async function ReportsPage() {
  const session = await getSession();
  const isAdmin = session?.user.role === "ADMIN";
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Reports</h1>
      </div>
      <p className="muted">
        Self-contained HTML and PDF reports of a run or a comparison: environment, spec, methodology, results with confidence
        intervals, charts, probes and warnings. Anyone logged in can download them{isAdmin ? "" : "; admins generate them"}.
      </p>
      <ReportsList isAdmin={isAdmin} />
      {isAdmin && (
        <>
          <h2>New report</h2>
          <RunPicker initial={[]} mode="report" isAdmin />
        </>
      )}
    </>
  );
}
