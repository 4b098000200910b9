import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { apiTokenState } from "~/core/api-tokens";
import { pageOf, rowsToRead } from "~/server/api/paging";
import { recordAudit } from "~/server/audit";
import { newApiTokenSecret } from "~/server/auth/api-token-format";
import { db } from "~/server/db/client";
import type { createApiTokenInput, listAllApiTokensInput } from "./schemas";

const DAY_MS = 86_400_000;
/** A user's own list is not paged; this bounds it. */
const OWN_TOKENS_SHOWN = 200;

const tokenColumns = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

type TokenRow = { revokedAt: Date | null; expiresAt: Date };
const withState = <T extends TokenRow>(row: T) => ({ ...row, state: apiTokenState(row) });

/**
 * Creates a personal API token. The secret is in this answer only: the database keeps its SHA-256.
 * Any role may hold one; what it can do is bounded by its scopes and its user's role at each use.
 */
export async function createApiToken(userId: string, input: z.output<typeof createApiTokenInput>) {
  const { secret, secretHash, prefix } = newApiTokenSecret();
  const expiresAt = new Date(Date.now() + input.expiresInDays * DAY_MS);
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name: input.name, scopes: input.scopes, secretHash, prefix, expiresAt },
      select: tokenColumns,
    });
    await recordAudit(
      {
        userId,
        action: "token.create",
        target: created.id,
        detail: { name: input.name, prefix, scopes: input.scopes, expiresAt: expiresAt.toISOString() },
      },
      tx,
    );
    return created;
  });
  return { ...withState(token), secret };
}

/** The caller's own tokens, newest first, revoked and expired ones included. */
export async function listOwnApiTokens(userId: string) {
  const rows = await db.apiToken.findMany({
    where: { userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: OWN_TOKENS_SHOWN,
    select: tokenColumns,
  });
  return rows.map(withState);
}

/** Every user's tokens (admins), newest first, a page at a time. */
export async function listAllApiTokens(input: z.output<typeof listAllApiTokensInput>) {
  const rows = await db.apiToken.findMany({
    where: input.userId ? { userId: input.userId } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: rowsToRead(input.limit),
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: { ...tokenColumns, user: { select: { id: true, email: true } } },
  });
  return pageOf(rows.map(withState), input.limit, (row) => row.id);
}

/**
 * Revokes a token: refused from its next request on. The caller's own token, or any token when
 * `asAdmin` (the router only sets it for admins). Revoking a revoked token changes nothing.
 */
export async function revokeApiToken(callerId: string, tokenId: string, asAdmin: boolean) {
  const token = await db.apiToken.findUnique({
    where: { id: tokenId },
    select: { id: true, userId: true, name: true, prefix: true },
  });
  if (!token || (!asAdmin && token.userId !== callerId))
    throw new TRPCError({ code: "NOT_FOUND", message: "No such API token." });
  await db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 1) {
      await recordAudit(
        {
          userId: callerId,
          action: "token.revoke",
          target: tokenId,
          detail: { name: token.name, prefix: token.prefix, owner: token.userId },
        },
        tx,
      );
    }
  });
  return { ok: true as const };
}
