import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton, SignOutEverywhereButton } from "~/components/auth/sign-out-button";
import { LiveBanner, LiveIndicator, LiveProvider } from "~/components/live/live-provider";
import { DatabaseBanner } from "~/components/ui/database-banner";
import { canOperate, isAdmin } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export const dynamic = "force-dynamic";

/** Every page in this group needs a session; the login page lives outside it. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const mayOperate = canOperate(session.user.role);
  const admin = isAdmin(session.user.role);
  return (
    <LiveProvider>
      <header className="topbar">
        <Link href="/" className="brand">
          Mesh<span>Bench</span>
        </Link>
        <nav>
          <Link href="/">Runs</Link>
          {mayOperate && <Link href="/runs/new">New run</Link>}
          {mayOperate && <Link href="/import">Import</Link>}
          <Link href="/compare">Compare</Link>
          <Link href="/reports">Reports</Link>
          <Link href="/probes">Probes</Link>
          <Link href="/cluster">Cluster</Link>
          <Link href="/tokens">Tokens</Link>
          {admin && <Link href="/admin/users">Users</Link>}
          {admin && <Link href="/admin/audit">Audit log</Link>}
        </nav>
        <div className="who">
          <LiveIndicator />
          <Link href="/account" data-testid="current-user">
            {session.user.email}
          </Link>
          <span className="badge role">{session.user.role.toLowerCase()}</span>
          <SignOutButton />
          <SignOutEverywhereButton />
        </div>
      </header>
      <main className="page">
        <DatabaseBanner />
        <LiveBanner />
        {children}
      </main>
    </LiveProvider>
  );
}
