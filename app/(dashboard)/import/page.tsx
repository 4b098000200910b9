import { ImportForm } from "~/components/runs/import-form";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function ImportPage() {
  const session = await getSession();
  if (!canOperate(session?.user.role)) {
    return (
      <div className="notice">
        Only operators and admins can import results. Ask an admin for the operator role, or look at the existing runs.
      </div>
    );
  }
  return (
    <>
      <h1>Import results</h1>
      <p className="muted">
        Another tool's result file becomes a run marked as imported, with where it came from: fortio's <code>-json</code> output,
        an HdrHistogram interval log (<code>.hlog</code>), a Service Mesh Performance (SMP) result (JSON or YAML), or k6's
        end-of-test summary JSON. The format is read from the content. SMP and k6 files keep percentiles only: such a run has no
        confidence interval and no verdict.
      </p>
      <ImportForm />
    </>
  );
}
