import Link from "next/link";
import { RunsTable } from "~/components/runs/runs-table";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function RunsPage() {
  const session = await getSession();
  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Benchmark runs</h1>
        <span className="spacer" />
        {canOperate(session?.user.role) && (
          <Link className="btn primary" href="/runs/new">
            New run
          </Link>
        )}
      </div>
      <RunsTable />
    </>
  );
}
