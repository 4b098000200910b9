import { LRUCache } from "lru-cache";
import { env } from "~/server/env";

/**
 * Reads that many viewers make at once (the same run page, the first page of the runs list) are
 * answered from one database read for a short while: a hundred pages polling one run cost about
 * two queries a second instead of a hundred. The answer is at most SHARED_READ_MS old; a change made
 * through this process (any mutation) or announced on the live stream (a status change) drops
 * every shared answer at once, so nobody reads their own change, or a pushed one, as undone.
 */
const shared = new LRUCache<string, Promise<unknown>>({ max: 2_000, ttl: Math.max(1, env.SHARED_READ_MS) });

export function sharedRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  if (env.SHARED_READ_MS === 0) return read();
  const hit = shared.get(key);
  if (hit) return hit as Promise<T>;
  const pending = read();
  shared.set(key, pending);
  // A failure is not shared beyond the callers already waiting on it.
  pending.catch(() => {
    if (shared.get(key) === pending) shared.delete(key);
  });
  return pending;
}

export function forgetSharedReads(): void {
  shared.clear();
}
