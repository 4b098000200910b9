import type { Session } from "next-auth";
import type { ApiTokenScope } from "~/core/roles";
import { db } from "~/server/db/client";
import { ApiTokenRefused, authenticateApiToken, bearerTokenOf } from "./api-token";
import { clientAddress } from "./client-address";
import { getSession } from "./session";

/** Who sent a request: a browser with its session, or a program with an API token. */
export interface RequestCaller {
  /** The session, or for a token the session-equivalent of its user (today's role, read from the database). */
  session: Session;
  apiToken: { id: string; prefix: string; scopes: ApiTokenScope[] } | null;
}

export type CallerOutcome =
  | { kind: "caller"; caller: RequestCaller }
  | { kind: "anonymous" }
  | { kind: "refused"; refusal: ApiTokenRefused };

/**
 * A request with `Authorization: Bearer` is a program's: only its token is considered (a cookie
 * sent along is ignored, and the session is never read, so no session cookie is ever set on the
 * response). Anything else is a browser's, with its session cookie or none.
 */
export async function callerOfRequest(req: Request): Promise<CallerOutcome> {
  const bearer = bearerTokenOf(req.headers);
  if (bearer === null) {
    const session = await getSession();
    return session ? { kind: "caller", caller: { session, apiToken: null } } : { kind: "anonymous" };
  }
  try {
    const identity = await authenticateApiToken(bearer, clientAddress(req.headers));
    const { id, email, name, role } = identity.user;
    return {
      kind: "caller",
      caller: {
        session: { user: { id, email, name, role }, expires: identity.expiresAt.toISOString() },
        apiToken: { id: identity.tokenId, prefix: identity.prefix, scopes: identity.scopes },
      },
    };
  } catch (error) {
    if (error instanceof ApiTokenRefused) return { kind: "refused", refusal: error };
    throw error;
  }
}

/** Headers of a refused token's response: how to authenticate, and when to retry after a 429. */
export function refusalHeaders(refusal: ApiTokenRefused): Record<string, string> {
  return refusal.status === 429
    ? { "Retry-After": String(refusal.retryAfterSeconds ?? 60) }
    : { "WWW-Authenticate": 'Bearer realm="meshbench", error="invalid_token"' };
}

/**
 * For the download and export routes (reads): the caller, or the response refusing it. A token
 * needs the `read` scope here, as for any query.
 */
export async function readerOfRequest(
  req: Request,
  anonymousMessage: string,
): Promise<{ caller: RequestCaller } | { refusal: Response }> {
  const outcome = await callerOfRequest(req);
  const refuse = (status: number, error: string, headers: Record<string, string> = {}) => ({
    refusal: Response.json({ error }, { status, headers: { "Cache-Control": "no-store", ...headers } }),
  });
  if (outcome.kind === "anonymous") return refuse(401, anonymousMessage);
  if (outcome.kind === "refused") return refuse(outcome.refusal.status, outcome.refusal.message, refusalHeaders(outcome.refusal));
  if (outcome.caller.apiToken && !outcome.caller.apiToken.scopes.includes("read")) {
    return refuse(403, 'This API token lacks the "read" scope.');
  }
  return { caller: outcome.caller };
}

/** Whether the user is an active admin now (read from the database, as the admin procedures do). */
export async function isActiveAdmin(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { role: true, disabledAt: true } });
  return user?.role === "ADMIN" && !user.disabledAt;
}
