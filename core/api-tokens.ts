/** Expiry choices of a new API token, in days; the form and the server share them. */
export const API_TOKEN_DEFAULT_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;
export const API_TOKEN_NAME_MAX = 100;

export type ApiTokenState = "active" | "expired" | "revoked";

/** A token is usable only while neither revoked nor expired. */
export function apiTokenState(token: { revokedAt: Date | null; expiresAt: Date }, now = new Date()): ApiTokenState {
  if (token.revokedAt) return "revoked";
  return token.expiresAt <= now ? "expired" : "active";
}
