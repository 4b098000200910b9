import { randomBytes } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { DATABASE_UNAVAILABLE } from "~/core/messages";
import { type ApiTokenScope, canOperate, isAdmin, type Role } from "~/core/roles";
import { auditedAsApiToken } from "~/server/audit";
import { UNKNOWN_ADDRESS } from "~/server/auth/client-address";
import { db } from "~/server/db/client";
import { isDatabaseUnreachable } from "~/server/db/errors";
import { appLog } from "~/server/log";
import { forgetSharedReads } from "~/server/runs/shared-reads";

/** The API token a program authenticated with (server/auth/api-token.ts): its row and scopes. */
export interface ApiTokenCaller {
  id: string;
  /** The token's display prefix (mb_ + 8 characters), which its audit events name. */
  prefix: string;
  scopes: readonly ApiTokenScope[];
}

export interface TRPCContext {
  /** The caller's session, or the session-equivalent built from its API token. */
  session: Session | null;
  /** Set when the caller is a program holding an API token instead of a browser with a session cookie. */
  apiToken: ApiTokenCaller | null;
  /** The client's address (socket, or trusted proxies' X-Forwarded-For), for rate limits. */
  clientAddress: string;
  /** Whether the caller (session or token) still stands, for streams that outlive the request's check. */
  callerStillValid?: () => Promise<boolean>;
}

/** Context without request plumbing: what tests build directly with a chosen session. */
export function createInnerContext(
  session: Session | null,
  options: { apiToken?: ApiTokenCaller | null; clientAddress?: string; callerStillValid?: () => Promise<boolean> } = {},
): TRPCContext {
  return {
    session,
    apiToken: options.apiToken ?? null,
    clientAddress: options.clientAddress ?? UNKNOWN_ADDRESS,
    callerStillValid: options.callerStillValid,
  };
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    // No stack in any response: it names files, queries and the database's address.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, data: { ...data, zodError } };
  },
});

/**
 * What a caller sees of a failure it did not cause: a database outage is a 503 it may retry, and
 * any other unexpected error is "Internal error (ref …)", logged once here with that reference,
 * so neither driver text nor the database's address reaches a response.
 */
const errorBoundary = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (result.ok || result.error.code !== "INTERNAL_SERVER_ERROR") return result;
  const cause = result.error.cause ?? result.error;
  if (isDatabaseUnreachable(cause)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: DATABASE_UNAVAILABLE });
  const ref = randomBytes(4).toString("hex");
  appLog.error(`tRPC ${path} failed (ref ${ref})`, { err: cause });
  throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Internal error (ref ${ref})` });
});

/** A change made here must not be hidden by a read shared from just before it. */
const sharedReadsAfterMutation = t.middleware(async ({ type, next }) => {
  const result = await next();
  if (type === "mutation") forgetSharedReads();
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(errorBoundary).use(sharedReadsAfterMutation);

const authenticated = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
  return next({ ctx: { session: ctx.session, user: ctx.session.user } });
});

/** Which procedures a token's scopes open; mutations of the "session" kind take a logged-in browser. */
type TokenUse = "session" | "operator";

/**
 * An API token is refused what its scopes do not cover: every query and subscription needs `read`,
 * an operator's mutation needs `run`, and any other mutation (account, tokens, users) is for
 * sessions only, so a leaked CI token cannot mint more tokens, change a password or manage users.
 * The role checks below still apply: a token never grants more than its user's role.
 */
function tokenScopes(use: TokenUse) {
  return t.middleware(({ ctx, type, next }) => {
    if (!ctx.apiToken) return next();
    const needed: ApiTokenScope | null = type !== "mutation" ? "read" : use === "operator" ? "run" : null;
    if (needed === null) {
      throw new TRPCError({ code: "FORBIDDEN", message: "API tokens cannot do this: log in to MeshBench in a browser." });
    }
    if (!ctx.apiToken.scopes.includes(needed)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `This API token lacks the "${needed}" scope.` });
    }
    return auditedAsApiToken(ctx.apiToken.prefix, () => next());
  });
}

/**
 * The role is read from the database, not only the session token, so demoting, disabling or
 * deleting a user takes effect at once.
 */
function requireRole(allowed: (role: Role) => boolean, refusal: string) {
  return t.middleware(async ({ ctx, next }) => {
    const userId = ctx.session?.user?.id;
    const user = userId ? await db.user.findUnique({ where: { id: userId }, select: { role: true, disabledAt: true } }) : null;
    if (!user || user.disabledAt || !allowed(user.role)) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
    return next();
  });
}

/** Any logged-in user: every query, and mutations of the caller's own account. */
export const protectedProcedure = authenticated.use(tokenScopes("session"));

/** Operators and admins: runs, probe jobs, reports, baselines. Open to API tokens with the `run` scope. */
export const operatorProcedure = authenticated
  .use(tokenScopes("operator"))
  .use(requireRole(canOperate, "Only operators and admins can do this."));

/** Admins only: users and every API token. Tokens may read (`read` scope) but never change anything here. */
export const adminProcedure = authenticated.use(tokenScopes("session")).use(requireRole(isAdmin, "Only admins can do this."));
