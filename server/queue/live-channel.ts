import type { Redis } from "ioredis";
import type { LiveEvent } from "~/core/live-events";
import { env } from "~/server/env";

/**
 * The Redis pub/sub channel of live state, under the queue prefix so tests and a running app
 * sharing one Redis never see each other's runs.
 */
export function liveChannel(): string {
  return `${env.QUEUE_PREFIX}:live`;
}

/**
 * Best effort: a page that misses an event still gets the truth from its next read (it refetches
 * on every status change and whenever the stream reconnects), so a lost publish costs freshness,
 * never correctness, and must not fail the work that published it.
 */
export function publishLiveEvent(redis: Redis, event: LiveEvent): Promise<void> {
  return redis.publish(liveChannel(), JSON.stringify(event)).then(
    () => undefined,
    () => undefined,
  );
}
