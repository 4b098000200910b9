import { UsersAdmin } from "~/components/users/users-admin";
import { getSession } from "~/server/auth/session";

export default async function UsersPage() {
  const session = await getSession();
  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        Viewers read everything; operators also start and cancel runs, generate reports and mark baselines; admins also manage
        users and every API token. A new user gets a one-time invite link or a temporary password, shown once. There is always at
        least one active admin.
      </p>
      <UsersAdmin currentUserId={session?.user.id ?? ""} />
    </>
  );
}
