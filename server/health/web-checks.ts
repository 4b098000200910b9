import { db } from "~/server/db/client";
import { sharedRedis } from "~/server/queue/redis";
import { type DependencyCheck, DependencyFailure } from "./readiness";

/** What the web app cannot serve without: PostgreSQL (every page) and Redis (queue, login limit). */
export const webDependencyChecks: readonly DependencyCheck[] = [
  {
    name: "postgres",
    check: async () => {
      await db.$queryRaw`SELECT 1`;
    },
  },
  {
    name: "redis",
    check: async () => {
      const answer = await sharedRedis().ping();
      if (answer !== "PONG") throw new DependencyFailure("unexpected answer to PING");
    },
  },
];
