import { initTRPC, TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { db } from "~/server/db/client";

export interface TRPCContext {
  session: Session | null;
}

/** Context without request plumbing: what tests build directly with a chosen session. */
export function createInnerContext(session: Session | null): TRPCContext {
  return { session };
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return { ...shape, data: { ...shape.data, zodError } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
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
