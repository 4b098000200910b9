import type { ReactNode } from "react";
import { isAdmin } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export const dynamic = "force-dynamic";

/** Users and the audit log are for admins; the procedures behind them refuse anyone else too. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!isAdmin(session?.user.role)) {
    return (
      <div className="notice" data-testid="admins-only">
        Only admins can see this page.
      </div>
    );
  }
  return children;
}
