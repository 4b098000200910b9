import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Role } from "~/core/roles";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { sharedRedis } from "~/server/queue/redis";

/**
 * A session is a signed cookie: valid until it expires, whatever happened since. These checks make
 * it end when it should: a signed-out session id is revoked in Redis (checked on every request, one
 * GET), and the user's row must still exist with the session version the cookie was issued under
 * (bumped by "sign out everywhere"). The row is cached briefly, so a deleted or demoted user loses
 * access within SESSION_RECHECK_SECONDS without a query per request.
 */

export interface SessionClaims {
  uid?: string;
  sid?: string;
  sv?: number;
}

export interface CurrentUser {
  id: string;
  role: Role;
  sessionVersion: number;
}

/**
 * One cache per process, on globalThis: Next.js bundles route handlers and pages apart, each with
 * its own copy of this module, and "sign out everywhere" through the API must reach the copy the
 * pages read at once, not after the recheck interval.
 */
const globalForSessions = globalThis as unknown as { meshbenchUserCache?: LRUCache<string, CurrentUser | "gone"> };
globalForSessions.meshbenchUserCache ??= new LRUCache<string, CurrentUser | "gone">({
  max: 10_000,
  ttl: Math.max(1, env.SESSION_RECHECK_SECONDS * 1000),
});
const userCache = globalForSessions.meshbenchUserCache;

const revokedKey = (sid: string) => `${env.QUEUE_PREFIX}:revoked-session:${sid}`;

export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}

/** Ends one session (sign-out) for the rest of its lifetime. */
export async function revokeSession(sid: string, expiresAtSeconds: number | undefined): Promise<void> {
  const ttl = Math.max(1, Math.ceil((expiresAtSeconds ?? Date.now() / 1000 + env.SESSION_MAX_AGE_SECONDS) - Date.now() / 1000));
  await sharedRedis().set(revokedKey(sid), "1", "EX", ttl);
}

/** Forgets this process's cached view of a user, so a change of role is seen by the next request. */
export function forgetCachedUser(userId: string): void {
  userCache.delete(userId);
}

/** Ends every session of a user, on every device. */
export async function revokeAllSessions(userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
  userCache.delete(userId);
}

async function currentUserRow(userId: string): Promise<CurrentUser | "gone"> {
  const cached = userCache.get(userId);
  if (cached) return cached;
  const row = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, role: true, sessionVersion: true, disabledAt: true },
  });
  // A disabled user's sessions end like a deleted one's (disabling also bumps the session version).
  const value: CurrentUser | "gone" =
    row && !row.disabledAt ? { id: row.id, role: row.role, sessionVersion: row.sessionVersion } : "gone";
  if (env.SESSION_RECHECK_SECONDS > 0) userCache.set(userId, value);
  return value;
}

/** The user a session stands for now (with today's role), or null when the session has ended. */
export async function currentSessionUser(claims: SessionClaims): Promise<CurrentUser | null> {
  if (!claims.uid || !claims.sid || claims.sv === undefined) return null;
  if (await sharedRedis().exists(revokedKey(claims.sid))) return null;
  const user = await currentUserRow(claims.uid);
  if (user === "gone" || user.sessionVersion !== claims.sv) return null;
  return user;
}
