import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { type CuttableTcpProxy, startCuttableTcpProxy } from "~/test/fakes/cuttable-tcp-proxy";
import {
  createQueuedRun,
  deleteQueueKeys,
  type FaultWorker,
  finishedRun,
  recordWorkerDeath,
  spoolFileOf,
  startFaultWorker,
  storedIterations,
} from "./fault-worker";
import { waitFor } from "./helpers";
import { processesMentioning } from "./processes";

/** How long PostgreSQL is cut: most of the reconciler's stale limit, as in a database restart. */
const DATABASE_CUT_MS = 20_000;
/** A run whose worker was SIGKILLed is settled this soon after the next worker starts. */
const SETTLE_DEADLINE_MS = 10_000;

const readRun = (id: string) => db.benchmarkRun.findUniqueOrThrow({ where: { id } });
const measuring = (id: string) => async () => {
  const run = await readRun(id);
  return run.status === "RUNNING" && (run.phase ?? "").includes("measuring");
};

/** The worker's DATABASE_URL rewritten to go through the proxy. */
function databaseUrlThrough(proxy: CuttableTcpProxy): string {
  const url = new URL(process.env.DATABASE_URL ?? "");
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return url.toString();
}

async function startDatabaseProxy(): Promise<CuttableTcpProxy> {
  const url = new URL(process.env.DATABASE_URL ?? "");
  return startCuttableTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
}

describe("worker faults: a killed worker, a flushed Redis, a PostgreSQL outage", () => {
  const workers: FaultWorker[] = [];
  const proxies: CuttableTcpProxy[] = [];
  const start = async (overrides?: Record<string, string>) => {
    const worker = await startFaultWorker(overrides);
    workers.push(worker);
    return worker;
  };

  const clear = async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
  };
  beforeAll(clear);
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    for (const p of proxies.splice(0)) await p.close();
  });
  afterAll(clear);

  it("kill -9 of the worker mid-run: the next worker fails the run at start-up with the signal, clears its phase and stops its processes", async () => {
    const first = await start();
    const id = await createQueuedRun("fault sigkill", { mesh: "nginx", durationSeconds: 3, repetitions: 2 });
    // Killed during the second repetition: the first is stored and must stay so, once.
    await waitFor("the first repetition stored", async () => (await storedIterations(id)).length === 1, 60_000);
    expect(processesMentioning(id).length, first.output()).toBeGreaterThan(0);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    recordWorkerDeath(first.pid, "SIGKILL");

    const startedAt = Date.now();
    const second = await start();
    const run = await waitFor("the run settled", finishedRun(id), SETTLE_DEADLINE_MS - (Date.now() - startedAt));
    expect(run.status, second.output()).toBe("FAILED");
    expect(run.error).toBe("worker process died (SIGKILL)");
    expect(run.phase).toBeNull();
    expect(await storedIterations(id)).toEqual([1]);
    // The list's figures come from what was stored.
    const [stored] = await db.runResult.findMany({ where: { runId: id } });
    expect(run.requestCount).toBe(stored?.count);
    // Reaped at start-up, before the worker said it was ready.
    expect(processesMentioning(id)).toEqual([]);

    // The new worker runs the next run as usual.
    const next = await createQueuedRun("fault after sigkill", { mesh: "nginx", durationSeconds: 1, repetitions: 1 });
    const after = await waitFor("the next run", finishedRun(next), 60_000);
    expect(after.status, `${after.error}\n${second.output()}`).toBe("SUCCEEDED");
    expect(await storedIterations(next)).toEqual([1]);
    expect(processesMentioning(next)).toEqual([]);
  });

  it("Redis keys deleted mid-run (FLUSHALL): the run finishes and is stored once, the queued runs are re-queued and run once", async () => {
    const worker = await start();
    const running = await createQueuedRun("fault flush running", { mesh: "haproxy", durationSeconds: 3, repetitions: 1 });
    await waitFor("the run measuring", measuring(running), 60_000);
    const queued = [
      await createQueuedRun("fault flush queued 1", { mesh: "baseline", durationSeconds: 1, repetitions: 1 }),
      await createQueuedRun("fault flush queued 2", { mesh: "baseline", durationSeconds: 1, repetitions: 1 }),
    ];
    expect(await deleteQueueKeys()).toBeGreaterThan(0);

    for (const id of [running, ...queued]) {
      const run = await waitFor(`run ${id}`, finishedRun(id), 90_000);
      expect(run.status, `${run.name}: ${run.error}\n${worker.output()}`).toBe("SUCCEEDED");
      expect(run.error).toBeNull();
      expect(await storedIterations(id)).toEqual([1]);
      expect(processesMentioning(id)).toEqual([]);
    }
    // Each run was claimed once: a second claim would have been logged as skipped.
    expect(worker.output()).not.toMatch(/not queued any more/);
    // Nothing left to run twice: the re-queued jobs were consumed, no phantom stays waiting.
    await waitFor(
      "the queue drained",
      async () => {
        const counts = await runQueue().getJobCounts("waiting", "active", "delayed", "prioritized");
        return Object.values(counts).every((n) => n === 0);
      },
      15_000,
    );
  });

  it("PostgreSQL cut for 20 s across the end of a run: the measurement is spooled, stored once when it is back, and the run succeeds", async () => {
    const proxy = await startDatabaseProxy();
    proxies.push(proxy);
    const worker = await start({ DATABASE_URL: databaseUrlThrough(proxy) });
    const id = await createQueuedRun("fault database cut", { mesh: "nginx", durationSeconds: 3, repetitions: 1 });
    await waitFor("the run measuring", measuring(id), 60_000);

    const cutAt = Date.now();
    proxy.cut();
    // The measurement ends while the database is away: it must go to disk, not be lost.
    await waitFor("the measurement spooled", async () => existsSync(spoolFileOf(id, 1)), DATABASE_CUT_MS - 2_000);
    await sleep(DATABASE_CUT_MS - (Date.now() - cutAt));
    expect(proxy.refusedWhileCut()).toBeGreaterThan(0);
    proxy.restore();

    const run = await waitFor("the run finished", finishedRun(id), 60_000);
    expect(run.status, `${run.error}\n${worker.output()}`).toBe("SUCCEEDED");
    expect(run.error).toBeNull();
    expect(run.phase).toBeNull();
    expect(await storedIterations(id)).toEqual([1]);
    const [stored] = await db.runResult.findMany({ where: { runId: id } });
    expect(run.requestCount).toBe(stored?.count);
    expect(existsSync(spoolFileOf(id, 1))).toBe(false);
    expect(processesMentioning(id)).toEqual([]);
  });

  it("a measurement spooled while PostgreSQL is down survives a kill -9: the next worker stores it once and says how the run ended", async () => {
    const proxy = await startDatabaseProxy();
    proxies.push(proxy);
    const first = await start({ DATABASE_URL: databaseUrlThrough(proxy) });
    const id = await createQueuedRun("fault database cut and sigkill", { mesh: "baseline", durationSeconds: 2, repetitions: 1 });
    await waitFor("the run measuring", measuring(id), 60_000);

    proxy.cut();
    await waitFor("the measurement spooled", async () => existsSync(spoolFileOf(id, 1)), 15_000);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    recordWorkerDeath(first.pid, "SIGKILL");
    proxy.restore();

    const startedAt = Date.now();
    await start({ DATABASE_URL: databaseUrlThrough(proxy) });
    const run = await waitFor("the run settled", finishedRun(id), SETTLE_DEADLINE_MS - (Date.now() - startedAt));
    expect(run.status).toBe("FAILED");
    expect(run.error).toBe("worker process died (SIGKILL)");
    expect(run.phase).toBeNull();
    expect(await storedIterations(id)).toEqual([1]);
    const [stored] = await db.runResult.findMany({ where: { runId: id } });
    expect(run.requestCount).toBe(stored?.count);
    expect(existsSync(spoolFileOf(id, 1))).toBe(false);
    expect(processesMentioning(id)).toEqual([]);
  });
});
