import { byIdInput } from "~/server/api/schemas";
import { adminProcedure, createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { createApiTokenInput, listAllApiTokensInput } from "~/server/tokens/schemas";
import { createApiToken, listAllApiTokens, listOwnApiTokens, revokeApiToken } from "~/server/tokens/service";

/** Personal API tokens. Creating and revoking take a logged-in session: a token cannot mint or manage tokens. */
export const tokensRouter = createTRPCRouter({
  /** The caller's own tokens, with their state and last use. */
  list: protectedProcedure.query(({ ctx }) => listOwnApiTokens(ctx.user.id)),

  /** The secret is in this answer only. */
  create: protectedProcedure.input(createApiTokenInput).mutation(({ ctx, input }) => createApiToken(ctx.user.id, input)),

  revoke: protectedProcedure.input(byIdInput).mutation(({ ctx, input }) => revokeApiToken(ctx.user.id, input.id, false)),

  /** Every user's tokens. */
  listAll: adminProcedure.input(listAllApiTokensInput).query(({ input }) => listAllApiTokens(input)),

  revokeAny: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => revokeApiToken(ctx.user.id, input.id, true)),
});
