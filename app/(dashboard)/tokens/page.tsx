import { AllApiTokens } from "~/components/tokens/all-tokens";
import { ApiTokens } from "~/components/tokens/api-tokens";
import { canOperate, isAdmin } from "~/core/roles";
import { getSession } from "~/server/auth/session";

export default async function TokensPage() {
  const session = await getSession();
  const role = session?.user.role;
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        Personal tokens let programs (CI jobs, the <code>meshbench</code> CLI) call MeshBench as you: send{" "}
        <code>Authorization: Bearer mb_…</code>. A token never does more than your role allows, and account, token and user
        management always need a logged-in browser. MeshBench keeps only a hash of each token: copy it when it is shown.
      </p>
      <ApiTokens canOperate={canOperate(role)} />
      {isAdmin(role) && (
        <>
          <h2>Every user&apos;s tokens</h2>
          <AllApiTokens />
        </>
      )}
    </>
  );
}
