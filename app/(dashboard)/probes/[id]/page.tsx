import { ProbeJobDetail } from "~/components/probes/probe-job-detail";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function ProbeJobPage({ params }: { params: Promise<{ id: string }> }) {
  const [{ id }, session] = await Promise.all([params, getSession()]);
  return <ProbeJobDetail id={id} canOperate={canOperate(session?.user.role)} />;
}
