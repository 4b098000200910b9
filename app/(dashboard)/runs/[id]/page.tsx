import { RunDetailView } from "~/components/runs/run-detail";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, session] = await Promise.all([params, getSession()]);
  return <RunDetailView id={id} canOperate={canOperate(session?.user.role)} />;
}
