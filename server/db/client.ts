import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "~/server/env";
import { PrismaClient } from "./generated/client";

export { Prisma } from "./generated/client";

function createClient(): PrismaClient {
  // A database host that stops answering must fail a connection attempt, not hang it: the web then
  // answers 503 and the worker retries or spools instead of waiting forever.
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000 }),
  });
}

// One client per process; Next's dev server re-evaluates modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { meshbenchPrisma?: PrismaClient };
export const db: PrismaClient = globalForPrisma.meshbenchPrisma ?? createClient();
if (env.NODE_ENV !== "production") globalForPrisma.meshbenchPrisma = db;
