import { NewRunForm } from "~/components/runs/new-run-form";
import { getSession } from "~/server/auth/session";

export default async function NewRunPage() {
  const session = await getSession();
  if (session?.user.role !== "ADMIN") {
    return <div className="notice">Only admins can start runs. Ask an admin, or look at the existing runs.</div>;
  }
  return (
    <>
      <h1>New benchmark run</h1>
      <NewRunForm />
    </>
  );
}
