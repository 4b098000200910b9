import { z } from "zod";
import { CREDENTIAL_METHODS, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/core/accounts";
import { ROLES } from "~/core/roles";
import { idSchema } from "~/server/api/schemas";

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `At most ${MAX_PASSWORD_LENGTH} characters`);

export const createUserInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email").max(254)),
  name: z
    .string()
    .trim()
    .max(100)
    .transform((name) => name || null)
    .optional(),
  role: z.enum(ROLES),
  method: z.enum(CREDENTIAL_METHODS),
});

export const setRoleInput = z.object({ id: idSchema, role: z.enum(ROLES) });

export const setDisabledInput = z.object({ id: idSchema, disabled: z.boolean() });

export const resetCredentialsInput = z.object({ id: idSchema, method: z.enum(CREDENTIAL_METHODS) });

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(MAX_PASSWORD_LENGTH),
    newPassword: passwordSchema,
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    message: "The new password must differ from the current one",
    path: ["newPassword"],
  });

/** The one-time secret of an invite link: 32 random bytes, base64url. */
export const acceptInviteInput = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "This invite link is not valid."),
  password: passwordSchema,
});
