import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RunSpecInput } from "~/core/spec";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { sharedRedis } from "~/server/queue/redis";
import { enqueueRun } from "~/server/queue/run-queue";

/** The fault tests' helpers: a worker process they can kill, runs they create, faults they cause. */

export interface FaultWorker {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** SIGTERM (graceful) unless it already ended. */
  stop: () => Promise<void>;
}

/**
 * Starts the real worker (`npm run worker`'s entry, one process, as `npm start` runs it) with
 * environment overrides (e.g. a DATABASE_URL through a cuttable proxy), resolving once it is ready.
 */
export async function startFaultWorker(overrides: Record<string, string> = {}): Promise<FaultWorker> {
  const child = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
    env: { ...process.env, ...overrides },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const append = (d: Buffer) => {
    log += d.toString();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? code)),
  );
  const deadline = Date.now() + 30_000;
  while (!log.includes("worker: ready")) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited early:\n${log}`);
    if (Date.now() > deadline) throw new Error(`worker not ready after 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.pid === undefined) throw new Error("worker has no pid");
  return {
    child,
    pid: child.pid,
    output: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * What `npm start`'s supervisor (scripts/lib.sh) writes when the worker process dies: one file
 * per dead worker pid, holding the signal or exit code. The next worker reads it to say how the
 * runs its predecessor held ended.
 */
export function recordWorkerDeath(pid: number, how: string): void {
  const dir = path.join("var", "worker", "exits");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, String(pid)), `${how}\n`);
}

/** Where the worker spools a repetition's results the database could not take. */
export function spoolFileOf(runId: string, iteration: number): string {
  return path.join("var", "spool", env.QUEUE_PREFIX, `${runId}-${iteration}.json`);
}

const baseSpec = {
  backend: "LOCAL",
  mode: "fixed-rate",
  rate: 200,
  connections: 4,
  warmupSeconds: 0,
  payloadBytes: 256,
} satisfies Partial<RunSpecInput>;

/** A QUEUED run written and enqueued as the API does (the API itself is not under test here). */
export async function createQueuedRun(
  name: string,
  spec: Pick<RunSpecInput, "mesh" | "durationSeconds" | "repetitions">,
): Promise<string> {
  const full = { ...baseSpec, ...spec };
  const run = await db.benchmarkRun.create({ data: { name, mesh: spec.mesh, spec: full } });
  await enqueueRun(run.id);
  return run.id;
}

/** Deletes every Redis key of this suite's queue prefix: FLUSHALL, without touching other suites' keys. */
export async function deleteQueueKeys(): Promise<number> {
  const redis = sharedRedis();
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${env.QUEUE_PREFIX}:*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

const FINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];

/** For waitFor: the run once it is in a final state. */
export const finishedRun = (id: string) => async () => {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
  return FINAL.includes(run.status) ? run : null;
};

/** The iterations stored for a run, in order: [1, 2] means each repetition exactly once. */
export async function storedIterations(runId: string): Promise<number[]> {
  const rows = await db.runResult.findMany({ where: { runId }, orderBy: { iteration: "asc" }, select: { iteration: true } });
  return rows.map((r) => r.iteration);
}
