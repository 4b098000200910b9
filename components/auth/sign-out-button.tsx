"use client";

import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useTRPC } from "~/trpc/react";

export function SignOutButton() {
  return (
    <button type="button" className="btn" onClick={() => void signOut({ callbackUrl: "/login" })}>
      Sign out
    </button>
  );
}

/** Ends this account's sessions on every device and browser, then this one. */
export function SignOutEverywhereButton() {
  const trpc = useTRPC();
  const everywhere = useMutation(
    trpc.account.signOutEverywhere.mutationOptions({ onSuccess: () => void signOut({ callbackUrl: "/login" }) }),
  );
  return (
    <button
      type="button"
      className="btn"
      disabled={everywhere.isPending}
      title="Ends your sessions in every browser"
      onClick={() => everywhere.mutate()}
    >
      Sign out everywhere
    </button>
  );
}
