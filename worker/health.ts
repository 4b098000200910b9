import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { db } from "~/server/db/client";
import { type DependencyCheck, DependencyFailure } from "~/server/health/readiness";
import { createRedis } from "~/server/queue/redis";

/**
 * What the worker cannot work without: PostgreSQL, Redis, and its BullMQ consumers taking jobs.
 * Redis is pinged on a connection of its own: the consumers' connections block on the queue.
 */
export function workerDependencyChecks(consumers: Record<string, Worker>): { checks: DependencyCheck[]; close: () => void } {
  let redis: Redis | null = null;
  const checks: DependencyCheck[] = [
    {
      name: "postgres",
      check: async () => {
        await db.$queryRaw`SELECT 1`;
      },
    },
    {
      name: "redis",
      check: async () => {
        redis ??= createRedis({ blocking: false });
        const answer = await redis.ping();
        if (answer !== "PONG") throw new DependencyFailure("unexpected answer to PING");
      },
    },
    {
      name: "queues",
      check: async () => {
        const stopped = Object.entries(consumers)
          .filter(([, consumer]) => !consumer.isRunning())
          .map(([name]) => name);
        if (stopped.length > 0) throw new DependencyFailure(`not consuming: ${stopped.join(", ")}`);
      },
    },
  ];
  return { checks, close: () => redis?.disconnect() };
}
