import { Redis } from "ioredis";
import { env } from "~/server/env";

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); the web side
 * gives up after two reconnect attempts so a down Redis fails a request instead of hanging it.
 */
export function createRedis(options: { blocking: boolean }): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: options.blocking ? null : 2 });
}

const globalForRedis = globalThis as unknown as { meshbenchRedis?: Redis };
/** Shared non-blocking connection for the web process (queue producer, rate limiter). */
export function sharedRedis(): Redis {
  globalForRedis.meshbenchRedis ??= createRedis({ blocking: false });
  return globalForRedis.meshbenchRedis;
}
