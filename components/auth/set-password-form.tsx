"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { MIN_PASSWORD_LENGTH } from "~/core/accounts";

/** Sets a first password from an invite link's one-time secret (POST /api/invite). */
export function SetPasswordForm({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("confirm") ?? "")) {
      setError("The two passwords differ.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const res = await fetch("/api/invite", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token, password }),
      });
      const body = (await res.json()) as { email?: string; error?: string };
      if (res.ok && body.email) setDone(body.email);
      else setError(body.error ?? `The server answered ${res.status}.`);
    } catch {
      setError("MeshBench could not be reached. Try again.");
    } finally {
      setPending(false);
    }
  }

  if (done) {
    return (
      <div role="status">
        <p>
          Your password is set for <strong>{done}</strong>.
        </p>
        <Link className="btn primary" href="/login">
          Log in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label="Set your password">
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <div className="field">
        <label htmlFor="password">New password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          required
        />
        <span className="hint">At least {MIN_PASSWORD_LENGTH} characters</span>
      </div>
      <div className="field">
        <label htmlFor="confirm">Repeat it</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      </div>
      <button className="btn primary" type="submit" disabled={pending}>
        {pending ? "Saving…" : "Set password"}
      </button>
    </form>
  );
}
