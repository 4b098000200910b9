import { byIdInput } from "~/server/api/schemas";
import { adminProcedure, createTRPCRouter } from "~/server/api/trpc";
import { createUserInput, resetCredentialsInput, setDisabledInput, setRoleInput } from "~/server/users/schemas";
import {
  createUserAccount,
  deleteUserAccount,
  listUsers,
  resetUserCredentials,
  setUserDisabled,
  setUserRole,
} from "~/server/users/service";

/** User management, admins only. The last active admin can be neither demoted, disabled nor deleted. */
export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(() => listUsers()),

  /** Returns the invite link or the temporary password, once. */
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUserAccount(ctx.user.id, input)),

  setRole: adminProcedure.input(setRoleInput).mutation(({ ctx, input }) => setUserRole(ctx.user.id, input)),

  setDisabled: adminProcedure.input(setDisabledInput).mutation(({ ctx, input }) => setUserDisabled(ctx.user.id, input)),

  /** A new invite link or temporary password; the old password and every session end. */
  resetCredentials: adminProcedure
    .input(resetCredentialsInput)
    .mutation(({ ctx, input }) => resetUserCredentials(ctx.user.id, input)),

  delete: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => deleteUserAccount(ctx.user.id, input.id)),
});
