import Link from "next/link";
import { ChangePasswordForm } from "~/components/account/change-password-form";
import { ROLE_DESCRIPTIONS } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function AccountPage() {
  const session = await getSession();
  const role = session?.user.role ?? "VIEWER";
  return (
    <>
      <h1>Your account</h1>
      <p className="muted">
        {session?.user.email}: {role.toLowerCase()} ({ROLE_DESCRIPTIONS[role]}). Programs use{" "}
        <Link href="/tokens">API tokens</Link>.
      </p>
      <ChangePasswordForm />
    </>
  );
}
