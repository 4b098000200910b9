import { Redis } from "ioredis";
import { env } from "~/server/env";

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers); for the
 * producer side we keep the default so a down Redis fails requests fast instead of hanging.
 */
export function createRedis(options: { blocking: boolean }): Redis {
  return new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: options.blocking ? null : 2,
    enableOfflineQueue: options.blocking,
    lazyConnect: false,
  });
}

const globalForRedis = globalThis as unknown as { meshbenchRedis?: Redis };
/** Shared non-blocking connection for the web process (queue producer, rate limiter). */
export function sharedRedis(): Redis {
  globalForRedis.meshbenchRedis ??= createRedis({ blocking: false });
  return globalForRedis.meshbenchRedis;
}
