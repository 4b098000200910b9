import { createHash, randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { AccountState, CredentialMethod } from "~/core/accounts";
import type { Role } from "~/core/roles";
import { recordAudit } from "~/server/audit";
import { hashPassword } from "~/server/auth/password";
import { forgetCachedUser } from "~/server/auth/session-validity";
import { db, type Prisma } from "~/server/db/client";
import { classifyDatabaseError } from "~/server/db/errors";
import { env } from "~/server/env";
import type { acceptInviteInput, createUserInput, resetCredentialsInput, setDisabledInput, setRoleInput } from "./schemas";

type Tx = Prisma.TransactionClient;

const userColumns = {
  id: true,
  email: true,
  name: true,
  role: true,
  disabledAt: true,
  createdAt: true,
  passwordHash: true,
  inviteExpiresAt: true,
} as const;

type UserRow = Prisma.UserGetPayload<{ select: typeof userColumns }>;

/** What an admin sees of a user: never a hash, an invite's secret or its digest. */
function publicUser({ passwordHash, ...user }: UserRow) {
  const state: AccountState = user.disabledAt ? "disabled" : passwordHash === null ? "invited" : "active";
  return { ...user, state };
}

export const inviteDigest = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** What a new or reset account gets: a one-time link to set a password, or a password shown once. */
async function newCredentials(method: CredentialMethod) {
  if (method === "password") {
    const temporaryPassword = randomBytes(12).toString("base64url");
    return {
      data: { passwordHash: await hashPassword(temporaryPassword), inviteTokenHash: null, inviteExpiresAt: null },
      shown: { temporaryPassword, inviteUrl: null, inviteExpiresAt: null },
    };
  }
  const secret = randomBytes(32).toString("base64url");
  const inviteExpiresAt = new Date(Date.now() + env.INVITE_TTL_HOURS * 3_600_000);
  return {
    data: { passwordHash: null, inviteTokenHash: inviteDigest(secret), inviteExpiresAt },
    shown: { temporaryPassword: null, inviteUrl: `${env.NEXTAUTH_URL.replace(/\/+$/, "")}/invite/${secret}`, inviteExpiresAt },
  };
}

export async function listUsers() {
  const rows = await db.user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: userColumns });
  return rows.map(publicUser);
}

export async function createUserAccount(adminId: string, input: z.output<typeof createUserInput>) {
  const credentials = await newCredentials(input.method);
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email: input.email, name: input.name ?? null, role: input.role, ...credentials.data },
        select: userColumns,
      });
      await recordAudit(
        {
          userId: adminId,
          action: "user.create",
          target: created.id,
          detail: { email: input.email, role: input.role, method: input.method },
        },
        tx,
      );
      return created;
    });
    return { user: publicUser(user), ...credentials.shown };
  } catch (error) {
    if (classifyDatabaseError(error) === "duplicate") {
      throw new TRPCError({ code: "CONFLICT", message: `A user with the email ${input.email} exists already.` });
    }
    throw error;
  }
}

/**
 * Refuses a change that would leave no active admin. The active admins' rows are locked first
 * (FOR UPDATE), so two admins demoting, disabling or deleting each other at once are serialised:
 * the second transaction waits, then re-reads the admins the first one left, and is refused.
 */
async function keepAnActiveAdmin(tx: Tx, userId: string, losesAdmin: (user: { role: Role; disabledAt: Date | null }) => boolean) {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "User" WHERE role = 'ADMIN' AND "disabledAt" IS NULL ORDER BY id FOR UPDATE`;
  const target = await tx.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true, disabledAt: true },
  });
  if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
  const isActiveAdmin = admins.some((a) => a.id === userId);
  if (isActiveAdmin && admins.length === 1 && losesAdmin(target)) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `${target.email} is the last active admin: make another user admin first.`,
    });
  }
  return target;
}

function refuseSelf(adminId: string, userId: string, what: string) {
  if (adminId === userId) throw new TRPCError({ code: "BAD_REQUEST", message: `You cannot ${what} your own account.` });
}

export async function setUserRole(adminId: string, input: z.output<typeof setRoleInput>) {
  const user = await db.$transaction(async (tx) => {
    const target = await keepAnActiveAdmin(tx, input.id, () => input.role !== "ADMIN");
    if (target.role === input.role) return tx.user.findUniqueOrThrow({ where: { id: input.id }, select: userColumns });
    const updated = await tx.user.update({ where: { id: input.id }, data: { role: input.role }, select: userColumns });
    await recordAudit(
      {
        userId: adminId,
        action: "user.role",
        target: input.id,
        detail: { email: target.email, from: target.role, to: input.role },
      },
      tx,
    );
    return updated;
  });
  forgetCachedUser(input.id);
  return publicUser(user);
}

/** A disabled user cannot log in, their sessions end (session version bumped) and their API tokens are refused. */
export async function setUserDisabled(adminId: string, input: z.output<typeof setDisabledInput>) {
  if (input.disabled) refuseSelf(adminId, input.id, "disable");
  const user = await db.$transaction(async (tx) => {
    const target = await keepAnActiveAdmin(tx, input.id, () => input.disabled);
    if (Boolean(target.disabledAt) === input.disabled)
      return tx.user.findUniqueOrThrow({ where: { id: input.id }, select: userColumns });
    const updated = await tx.user.update({
      where: { id: input.id },
      data: input.disabled ? { disabledAt: new Date(), sessionVersion: { increment: 1 } } : { disabledAt: null },
      select: userColumns,
    });
    await recordAudit(
      {
        userId: adminId,
        action: input.disabled ? "user.disable" : "user.enable",
        target: input.id,
        detail: { email: target.email },
      },
      tx,
    );
    return updated;
  });
  forgetCachedUser(input.id);
  return publicUser(user);
}

/** Deletes the account and its API tokens; its runs, reports and audit events stay, without an author. */
export async function deleteUserAccount(adminId: string, id: string) {
  refuseSelf(adminId, id, "delete");
  await db.$transaction(async (tx) => {
    const target = await keepAnActiveAdmin(tx, id, () => true);
    await tx.user.delete({ where: { id } });
    await recordAudit(
      { userId: adminId, action: "user.delete", target: id, detail: { email: target.email, role: target.role } },
      tx,
    );
  });
  forgetCachedUser(id);
  return { ok: true as const };
}

/** A new invite link or temporary password for a user who lost theirs; the old password and sessions end. */
export async function resetUserCredentials(adminId: string, input: z.output<typeof resetCredentialsInput>) {
  const credentials = await newCredentials(input.method);
  const user = await db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: input.id }, select: { email: true } });
    if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such user." });
    const updated = await tx.user.update({
      where: { id: input.id },
      data: { ...credentials.data, sessionVersion: { increment: 1 } },
      select: userColumns,
    });
    await recordAudit(
      {
        userId: adminId,
        action: "user.reset_credentials",
        target: input.id,
        detail: { email: target.email, method: input.method },
      },
      tx,
    );
    return updated;
  });
  forgetCachedUser(input.id);
  return { user: publicUser(user), ...credentials.shown };
}

export class InviteRefused extends Error {}

/**
 * Sets the password of the invite link's user. The link works once: its digest is cleared in the
 * same conditional update that sets the password, so two uses at once cannot both succeed.
 */
export async function acceptInvite(input: z.output<typeof acceptInviteInput>): Promise<{ email: string }> {
  const passwordHash = await hashPassword(input.password);
  const digest = inviteDigest(input.token);
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { inviteTokenHash: digest },
      select: { id: true, email: true, disabledAt: true },
    });
    const { count } = await tx.user.updateMany({
      where: { inviteTokenHash: digest, inviteExpiresAt: { gt: new Date() }, disabledAt: null },
      data: { passwordHash, inviteTokenHash: null, inviteExpiresAt: null, sessionVersion: { increment: 1 } },
    });
    if (!user || count === 0) {
      throw new InviteRefused(
        user?.disabledAt
          ? "This account is disabled. Ask an admin."
          : "This invite link has expired or was already used. Ask an admin for a new one.",
      );
    }
    await recordAudit({ userId: user.id, action: "user.invite_accepted", target: user.id, detail: { email: user.email } }, tx);
    return { email: user.email };
  });
}
