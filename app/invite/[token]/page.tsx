import { SetPasswordForm } from "~/components/auth/set-password-form";

export const dynamic = "force-dynamic";

/** Where an invite link lands: the invited user sets their password, then logs in. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <main className="login">
      <h1>
        Mesh<span style={{ color: "var(--accent)" }}>Bench</span>
      </h1>
      <p className="muted">Choose your password to finish setting up your account.</p>
      <div className="panel">
        <SetPasswordForm token={token} />
      </div>
    </main>
  );
}
