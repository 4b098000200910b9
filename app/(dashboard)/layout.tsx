import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton, SignOutEverywhereButton } from "~/components/auth/sign-out-button";
import { LiveBanner, LiveIndicator, LiveProvider } from "~/components/live/live-provider";
import { DatabaseBanner } from "~/components/ui/database-banner";
import { getSession } from "~/server/auth/session";

export const dynamic = "force-dynamic";

/** Every page in this group needs a session; the login page lives outside it. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect("/login");
  const isAdmin = session.user.role === "ADMIN";
  return (
    <LiveProvider>
      <header className="topbar">
        <Link href="/" className="brand">
          Mesh<span>Bench</span>
        </Link>
        <nav>
          <Link href="/">Runs</Link>
          {isAdmin && <Link href="/runs/new">New run</Link>}
          <Link href="/compare">Compare</Link>
          <Link href="/reports">Reports</Link>
          <Link href="/probes">Probes</Link>
          <Link href="/cluster">Cluster</Link>
        </nav>
        <div className="who">
          <LiveIndicator />
          <span data-testid="current-user">{session.user.email}</span>
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
