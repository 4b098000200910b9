import { redirect } from "next/navigation";
import { Suspense } from "react";
import { LoginForm } from "~/components/auth/login-form";
import { getSession } from "~/server/auth/session";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await getSession()) redirect("/");
  return (
    <main className="login">
      <h1>
        Mesh<span style={{ color: "var(--accent)" }}>Bench</span>
      </h1>
      <p className="muted">What does a service mesh cost my traffic?</p>
      <div className="panel">
        <Suspense>
          <LoginForm />
        </Suspense>
      </div>
    </main>
  );
}
