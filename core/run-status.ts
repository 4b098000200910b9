/**
 * The lifecycle every row job shares (runs, probe jobs, reports). It mirrors the database's
 * RunStatus enum (a unit test holds them equal) so the browser need not load the Prisma client.
 */
export const RUN_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Still moving: a page showing one keeps refreshing it. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];
