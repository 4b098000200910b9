import { signOutEverywhere } from "~/server/account/service";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";

/** The caller's own account: open to every role, it changes nothing but the caller's sessions. */
export const accountRouter = createTRPCRouter({
  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx.user.id)),
});
