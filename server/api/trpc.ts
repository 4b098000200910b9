import { randomBytes } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { DATABASE_UNAVAILABLE } from "~/core/messages";
import { db } from "~/server/db/client";
import { isDatabaseUnreachable } from "~/server/db/errors";
import { forgetSharedReads } from "~/server/runs/shared-reads";

export interface TRPCContext {
  session: Session | null;
  /** Whether the caller's session still stands, for streams that outlive the request's check. */
  sessionStillValid?: () => Promise<boolean>;
}

/** Context without request plumbing: what tests build directly with a chosen session. */
export function createInnerContext(session: Session | null, sessionStillValid?: () => Promise<boolean>): TRPCContext {
  return { session, sessionStillValid };
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
  console.error(`tRPC ${path} failed (ref ${ref}):`, cause);
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

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session?.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Log in first." });
  return next({ ctx: { session: ctx.session, user: ctx.session.user } });
});

/**
 * Every mutation goes through here. The role is read from the database, not only the session
 * token, so demoting or deleting an admin takes effect at once.
 */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const user = await db.user.findUnique({ where: { id: ctx.user.id }, select: { id: true, role: true } });
  if (user?.role !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "Only admins can do this." });
  return next({ ctx: { user: { ...ctx.user, role: user.role } } });
});
