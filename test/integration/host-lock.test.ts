import { spawn } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { summarizeInterference } from "~/core/interference";
import type { RunSpecInput } from "~/core/spec";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { interferenceColumn } from "~/server/runs/json-columns";
import { tryLockHost } from "~/worker/backends/local/host-lock";
import { type FaultWorker, startFaultWorker } from "./fault-worker";
import { callerFor, createUser, sessionFor, waitFor } from "./helpers";

const shortSpec = {
  mode: "fixed-rate",
  rate: 200,
  connections: 4,
  durationSeconds: 3,
  warmupSeconds: 1,
  payloadBytes: 512,
  repetitions: 1,
} satisfies Omit<RunSpecInput, "mesh">;

const FINAL = ["SUCCEEDED", "FAILED", "CANCELLED"];
const finished = (id: string) => async () => {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
  return FINAL.includes(run.status) ? run : null;
};

/** The name the spinning process shows in /proc/<pid>/stat: the file name it was executed as. */
const SPINNER_COMM = "meshbench-spin";

describe("one local benchmark per machine, and what else ran beside it", () => {
  let caller: ReturnType<typeof callerFor>;
  const workers: FaultWorker[] = [];

  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
    caller = callerFor(sessionFor(await createUser("ADMIN")));
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });

  it("the host lock excludes a second holder, even in the same process, and dies with its holder", async () => {
    const first = await tryLockHost("host-lock test");
    expect(first).not.toBeNull();
    expect(await tryLockHost("host-lock test")).toBeNull();
    await first?.release();
    const again = await tryLockHost("host-lock test");
    expect(again).not.toBeNull();
    await again?.release();

    // A holder killed with SIGKILL releases nothing itself: its connection closing does.
    const holder = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        'import("./worker/backends/local/host-lock.ts").then(async (m) => { console.log((await m.tryLockHost("host-lock test")) ? "locked" : "busy"); setInterval(() => {}, 1000); })',
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    holder.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await waitFor("holder takes the lock", async () => out.includes("locked"), 30_000);
    expect(await tryLockHost("host-lock test")).toBeNull();
    holder.kill("SIGKILL");
    const freed = await waitFor("lock freed by the holder's death", () => tryLockHost("host-lock test"), 30_000);
    await freed.release();
  });

  it("two workers on one machine run two queued local runs one after the other", async () => {
    // The second worker's metrics port would collide with the first's: it serves none.
    workers.push(await startFaultWorker(), await startFaultWorker({ WORKER_METRICS_PORT: "0" }));
    const first = await caller.runs.create({ name: "lock first", spec: { ...shortSpec, mesh: "nginx" } });
    const second = await caller.runs.create({ name: "lock second", spec: { ...shortSpec, mesh: "nginx" } });
    const runs = [
      await waitFor("first run", finished(first.id), 90_000),
      await waitFor("second run", finished(second.id), 90_000),
    ];
    const logs = workers.map((w) => w.output()).join("\n---\n");
    for (const run of runs) expect(run.status, `${run.name}: ${run.error}\n${logs}`).toBe("SUCCEEDED");
    const [a, b] = [...runs].sort((x, y) => (x.startedAt?.getTime() ?? 0) - (y.startedAt?.getTime() ?? 0));
    // The later run was claimed only once the earlier one had finished.
    expect(a?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(
      b?.startedAt?.getTime() ?? Number.NEGATIVE_INFINITY,
    );
    // Both workers were idle when the runs were queued, so one of them found the machine taken.
    expect(logs).toContain("another local benchmark holds this machine");
  });

  it("names a process that spun a core during a local run, and warns", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "meshbench-spin-"));
    const spinnerPath = path.join(dir, SPINNER_COMM);
    symlinkSync("/bin/sh", spinnerPath);
    const spinner = spawn(spinnerPath, ["-c", "while :; do :; done"], { stdio: "ignore" });
    try {
      workers.push(await startFaultWorker());
      const created = await caller.runs.create({ name: "neighbour", spec: { ...shortSpec, mesh: "baseline" } });
      const run = await waitFor("run beside a spinner", finished(created.id), 90_000);
      expect(run.status, `${run.error}\n${workers[0]?.output()}`).toBe("SUCCEEDED");

      const interference = interferenceColumn.parse(run.interference);
      expect(interference, "interference stored with the run").not.toBeNull();
      if (!interference) return;
      expect(interference.windowSeconds).toBeGreaterThan(0);
      const spun = interference.byName.find((p) => p.comm === SPINNER_COMM);
      expect(spun, JSON.stringify(interference.byName)).toBeDefined();
      expect(spun?.cpuSeconds ?? 0).toBeGreaterThan(0);
      // The worker runs the load generator: it is the benchmark, never a neighbour.
      expect(interference.outsideCpuSeconds).toBeGreaterThanOrEqual(spun?.cpuSeconds ?? 0);
      const summary = summarizeInterference(interference);
      expect(summary.top.map((p) => p.comm)).toContain(SPINNER_COMM);
      expect(summary.warning).toContain(SPINNER_COMM);
      expect(summary.placement.note).toMatch(/cores?: benchmark not/);
      // The run page reads it through runs.get.
      const detail = await caller.runs.get({ id: run.id });
      expect(detail.interference?.byName.map((p) => p.comm)).toContain(SPINNER_COMM);
    } finally {
      spinner.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
