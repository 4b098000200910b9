/**
 * The lifecycle every row job shares (runs, probe jobs, reports). It mirrors the database's
 * RunStatus enum (a unit test holds them equal) so the browser need not load the Prisma client.
 */
export const RUN_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Still moving: a page showing one keeps refreshing it. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING"];

/** Ended: the row will not change any more and cannot be cancelled. */
export const FINISHED_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/**
 * The status of runs a comparison, a report or a profile baseline accepts. Failed and cancelled
 * runs keep partial data that would mislead.
 */
export const COMPARABLE_STATUS = "SUCCEEDED" satisfies RunStatus;

export function isComparableStatus(status: string): boolean {
  return status === COMPARABLE_STATUS;
}
