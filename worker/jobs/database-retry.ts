import { setTimeout as sleep } from "node:timers/promises";
import { isDatabaseUnreachable } from "~/server/db/errors";
import { noteDatabaseFailure } from "./database-outage";

/** First pause after a failed attempt; doubled each time up to the cap. */
const FIRST_DELAY_MS = 250;
/** A local database comes back within seconds of a restart: never wait much longer than that. */
const MAX_DELAY_MS = 2_000;

export interface DatabaseRetryOptions {
  /** Aborted to stop retrying (the worker shuts down): the last error is thrown. */
  stop?: AbortSignal;
  /** Called on each unreachable failure before the pause, with how many attempts failed. */
  onUnreachable?: (error: unknown, failedAttempts: number) => void;
}

/**
 * Calls `attempt` until it succeeds, pausing with backoff while the database is unreachable.
 * Any other failure is thrown at once: retrying would not fix it. At least one attempt is made,
 * even when `stop` is already aborted.
 */
export async function retryWhileDatabaseUnreachable<T>(
  attempt: () => Promise<T>,
  options: DatabaseRetryOptions = {},
): Promise<T> {
  let delay = FIRST_DELAY_MS;
  for (let failed = 1; ; failed++) {
    try {
      return await attempt();
    } catch (error) {
      noteDatabaseFailure(error);
      if (!isDatabaseUnreachable(error) || options.stop?.aborted) throw error;
      options.onUnreachable?.(error, failed);
      const stopped = await sleep(delay, false, { signal: options.stop }).catch(() => true);
      if (stopped) throw error;
      delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
  }
}
