import { ProbeJobs } from "~/components/probes/probe-jobs";
import { canOperate } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function ProbesPage() {
  const session = await getSession();
  return (
    <>
      <h1>eBPF probes</h1>
      <p className="muted">
        Kernel probes (bpftrace) run on the worker&apos;s machine, attached to a local benchmark or on their own here; a cluster
        run&apos;s probes run on its client&apos;s and server&apos;s nodes and are shown on its page. A probe that cannot run says
        why instead of showing numbers.
      </p>
      <ProbeJobs canOperate={canOperate(session?.user.role)} />
    </>
  );
}
