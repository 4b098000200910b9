import { changeOwnPassword, signOutEverywhere } from "~/server/account/service";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { changePasswordInput } from "~/server/users/schemas";

/** The caller's own account: open to every role, it changes nothing but the caller's own sign-in. */
export const accountRouter = createTRPCRouter({
  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx.user.id)),

  /** Needs the current password; ends every session of the caller. */
  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.user.id, input, ctx.clientAddress)),
});
