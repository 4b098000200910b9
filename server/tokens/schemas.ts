import { z } from "zod";
import { API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX } from "~/core/api-tokens";
import { API_TOKEN_SCOPES } from "~/core/roles";
import { idSchema, pageInputShape } from "~/server/api/schemas";

export const createApiTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(API_TOKEN_NAME_MAX),
  scopes: z
    .array(z.enum(API_TOKEN_SCOPES))
    .min(1, "Pick at least one scope")
    .transform((scopes) => [...new Set(scopes)]),
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).default(API_TOKEN_DEFAULT_DAYS),
});

export const listAllApiTokensInput = z.object({ ...pageInputShape, userId: idSchema.optional() });
