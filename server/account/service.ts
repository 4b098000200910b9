import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { recordAudit } from "~/server/audit";
import { assertLoginAllowed, LoginLockedError, recordLoginFailure } from "~/server/auth/login-limiter";
import { hashPassword, verifyPassword } from "~/server/auth/password";
import { forgetCachedUser, revokeAllSessions } from "~/server/auth/session-validity";
import { db } from "~/server/db/client";
import type { changePasswordInput } from "~/server/users/schemas";

/** Ends every session of the caller, this one included; the page then signs out. */
export async function signOutEverywhere(userId: string): Promise<{ ok: true }> {
  await revokeAllSessions(userId);
  await recordAudit({ userId, action: "sign_out_everywhere" });
  return { ok: true };
}

/**
 * Changes the caller's password, given the current one. Wrong guesses count against the same
 * budget as failed logins, so a session left open does not allow unlimited guessing. Every session
 * of the user ends, this one included: the page asks to log in again with the new password.
 */
export async function changeOwnPassword(userId: string, input: z.output<typeof changePasswordInput>, clientAddress: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
  try {
    await assertLoginAllowed(user.email, clientAddress);
  } catch (error) {
    if (error instanceof LoginLockedError) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message });
    throw error;
  }
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(user.email, clientAddress);
    await recordAudit({ userId, action: "password.change_failed", detail: { ip: clientAddress } });
    throw new TRPCError({ code: "BAD_REQUEST", message: "The current password is wrong." });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await recordAudit({ userId, action: "password.change", detail: { ip: clientAddress } }, tx);
  });
  forgetCachedUser(userId);
  return { ok: true as const };
}
