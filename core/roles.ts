/**
 * Who may do what. It mirrors the database's Role enum (a unit test holds them equal) so pages and
 * the browser need not load the Prisma client. The server enforces it in server/api/trpc.ts; the UI
 * only uses it to hide what the server would refuse.
 */
export const ROLES = ["ADMIN", "OPERATOR", "VIEWER"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  VIEWER: "reads everything",
  OPERATOR: "also starts and cancels runs, generates reports, marks baselines",
  ADMIN: "also manages users and every API token",
};

/** Starts and cancels runs and probe jobs, generates reports, marks baselines. */
export function canOperate(role: Role | undefined | null): boolean {
  return role === "ADMIN" || role === "OPERATOR";
}

export function isAdmin(role: Role | undefined | null): boolean {
  return role === "ADMIN";
}

/**
 * What an API token may be used for: `read` for every query its user may make, `run` for the
 * operator's mutations (runs, reports, baselines, probe jobs) its user's role allows. Account,
 * token and user management take a logged-in session whatever the token's scopes.
 */
export const API_TOKEN_SCOPES = ["read", "run"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
