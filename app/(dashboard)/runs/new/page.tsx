import { NewRunForm } from "~/components/runs/new-run-form";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function NewRunPage() {
  const session = await getSession();
  if (!canOperate(session?.user.role)) {
    return (
      <div className="notice">
        Only operators and admins can start runs. Ask an admin for the operator role, or look at the existing runs.
      </div>
    );
  }
  return (
    <>
      <h1>New benchmark run</h1>
      <NewRunForm />
    </>
  );
}
