import type { RunStatus } from "~/server/db/generated/enums";

/** A run in one of these has ended: it will not change any more and cannot be cancelled. */
export const FINISHED_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

/**
 * The status of runs a comparison, a report or a profile baseline accepts. Failed and cancelled
 * runs keep partial data that would mislead.
 */
export const COMPARABLE_STATUS = "SUCCEEDED" satisfies RunStatus;

export function isComparableStatus(status: RunStatus | string): boolean {
  return status === COMPARABLE_STATUS;
}
