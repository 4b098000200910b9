"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { MIN_PASSWORD_LENGTH } from "~/core/accounts";
import { useTRPC } from "~/trpc/react";

/** Changes the caller's password; every session ends, so it then signs out to log in again. */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({ onSuccess: () => void signOut({ callbackUrl: "/login" }) }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("new-password") ?? "");
    setMismatch(newPassword !== String(form.get("confirm-password") ?? ""));
    if (newPassword !== String(form.get("confirm-password") ?? "")) return;
    change.mutate({ currentPassword: String(form.get("current-password") ?? ""), newPassword });
  }

  const fieldErrors = change.error?.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;
  return (
    <form className="panel" onSubmit={onSubmit} aria-label="Change password">
      <h2>Change password</h2>
      <div className="form">
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input id="current-password" name="current-password" type="password" autoComplete="current-password" required />
        </div>
        <div className="field">
          <label htmlFor="new-password">New password</label>
          <input
            id="new-password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            required
          />
          <span className="hint">{fieldErrors?.newPassword?.[0] ?? `At least ${MIN_PASSWORD_LENGTH} characters`}</span>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">Repeat the new password</label>
          <input id="confirm-password" name="confirm-password" type="password" autoComplete="new-password" required />
        </div>
      </div>
      {mismatch && <div className="form-error">The two new passwords differ.</div>}
      {change.isError && !fieldErrors && <div className="form-error">{change.error.message}</div>}
      <p className="hint-text">Changing it ends your sessions in every browser: you will log in again with the new password.</p>
      <div className="toolbar" style={{ marginTop: 12, marginBottom: 0 }}>
        <button className="btn primary" type="submit" disabled={change.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}
