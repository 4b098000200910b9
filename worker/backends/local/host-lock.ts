import { createHash } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";
import { env } from "~/server/env";

/** A held host lock; release() is idempotent and never throws. */
export interface HostLock {
  release(): Promise<void>;
}

/**
 * One local benchmark per machine, however many workers run on it: two at once share the cores
 * and disturb each other's numbers.
 *
 * The lock is a PostgreSQL session advisory lock rather than a file lock: Node has no flock, and
 * a session lock belongs to its connection, so when the worker dies (even SIGKILL) the server
 * drops the connection and the lock with it; nothing is left to clean up. It is taken on its own
 * connection, never through Prisma's pool: a pooled connection would keep the lock after this run
 * and hand it to whatever query used the connection next, and a lock taken twice by one session
 * succeeds twice (two runs of one worker with concurrency > 1 must still exclude each other).
 *
 * If the connection drops mid-run (database restarted, network cut) the lock is gone while the
 * run goes on; another worker may then start a run beside it. That is the price of a lock that
 * cannot outlive a dead worker.
 */
export async function tryLockHost(key = hostLockKey()): Promise<HostLock | null> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
  // A dropped connection emits 'error' on an idle client; without a listener it would crash the worker.
  client.on("error", () => undefined);
  await client.connect();
  let locked = false;
  try {
    const rows = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [lockId(key)]);
    locked = rows.rows[0]?.locked === true;
  } finally {
    if (!locked) await client.end().catch(() => undefined);
  }
  if (!locked) return null;
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      // Closing the session releases its locks; no unlock statement that could fail on its own.
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * The host name, plus the queue prefix: in production one host is one lock whatever the prefix,
 * and deployments share the default prefix. Test suites that run side by side on one machine use
 * different prefixes and must not wait for each other's benchmarks.
 */
export function hostLockKey(): string {
  return `meshbench local benchmark:${hostname()}:${env.QUEUE_PREFIX}`;
}

/** A signed 64-bit id for the advisory lock, stable for a key. */
export function lockId(key: string): string {
  return createHash("sha256").update(key).digest().readBigInt64BE(0).toString();
}
