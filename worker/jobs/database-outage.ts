import { isDatabaseUnreachable } from "~/server/db/errors";

/**
 * When this process last failed to reach the database. While the database is away no worker can
 * write a heartbeat, so for a while after it comes back a stale heartbeat proves nothing: the
 * reconciler reads this to wait until every live worker has had time to beat again.
 */
let lastUnreachableAt: number | null = null;

/** Called with every failed database call of the worker; only the unreachable ones count. */
export function noteDatabaseFailure(error: unknown): void {
  if (isDatabaseUnreachable(error)) lastUnreachableAt = Date.now();
}

/** Milliseconds since this process last saw the database unreachable; null if it never did. */
export function msSinceDatabaseUnreachable(now = Date.now()): number | null {
  return lastUnreachableAt === null ? null : now - lastUnreachableAt;
}
