import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHistogram } from "~/core/histogram";
import type { MeshProfile } from "~/core/meshes";
import type { IterationResult } from "~/core/result";
import { type RunSpec, runSpecSchema } from "~/core/spec";
import { LocalBackend } from "~/worker/backends/local/local-backend";
import { reapOrphans } from "~/worker/backends/local/orphans";
import type { BackendContext } from "~/worker/backends/types";

/**
 * The real local backend: echo upstream, nginx and HAProxy pairs as processes, the built-in load
 * generator in this process. Short runs (300 rps, 4 connections, 1 s warm-up + 3 s, two
 * repetitions) so the file takes about a minute on two cores.
 */

const REPO = path.resolve(import.meta.dirname, "../..");
let runRoot = "";

beforeAll(async () => {
  // Not the real var/run: a worker running on this machine must never see (or reap) test runs.
  runRoot = await mkdtemp(path.join(os.tmpdir(), "meshbench-local-backend-"));
});

afterAll(async () => {
  await rm(runRoot, { recursive: true, force: true });
});

function spec(mesh: MeshProfile, extra: Partial<RunSpec> = {}): RunSpec {
  return runSpecSchema.parse({
    mesh,
    rate: 300,
    connections: 4,
    durationSeconds: 3,
    warmupSeconds: 1,
    payloadBytes: 256,
    ...extra,
  });
}

function context(runId: string, s: RunSpec, signal = new AbortController().signal): BackendContext & { fractions: number[] } {
  const fractions: number[] = [];
  return { runId, spec: s, signal, log: () => undefined, onIterationProgress: (f) => fractions.push(f), fractions };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat); // a zombie is dead, just not yet reaped by its parent
  } catch {
    return false;
  }
}

/** Live processes whose command line mentions `needle` (a run dir appears in every one we start, bar nginx workers). */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").includes(needle) && alive(Number(entry)))
        out.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function expectOrdered(r: IterationResult): void {
  const l = r.latency;
  expect(l).not.toBeNull();
  const order = [l?.minUs, l?.p50Us, l?.p75Us, l?.p90Us, l?.p99Us, l?.p999Us, l?.maxUs].map(Number);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
}

function expectHealthy(result: IterationResult, iteration: number, mesh: MeshProfile): void {
  expect(result.iteration).toBe(iteration);
  expect(result.requestedQps).toBe(300);
  expect(result.errors).toEqual({});
  expect(Math.abs(result.actualQps - 300) / 300).toBeLessThan(0.03);
  expect(Math.abs(result.count - 900)).toBeLessThanOrEqual(9);
  expect(result.measuredSeconds).toBe(3);
  expect(result.perSecond).toHaveLength(3);
  for (const n of result.perSecond) expect(Math.abs(n - 300)).toBeLessThanOrEqual(9);
  expectOrdered(result);
  expect(decodeHistogram(result.histogram).totalCount).toBe(result.count);
  expect(result.finishedAt.getTime() - result.startedAt.getTime()).toBe(3_000);

  const names = result.components.map((c) => c.component);
  expect(names).toEqual(mesh === "baseline" ? ["loadgen", "upstream"] : ["loadgen", "upstream", "proxy-client", "proxy-server"]);
  for (const c of result.components) {
    expect(c.cpuCores, c.component).not.toBeNull();
    expect(c.cpuCores ?? -1).toBeGreaterThan(0);
    expect(c.cpuCores ?? 99).toBeLessThan(2.5);
    expect(c.maxRssBytes ?? 0).toBeGreaterThan(1_000_000);
  }
  expect(result.components.find((c) => c.component === "proxy-client")?.role ?? "proxy").toBe("proxy");
}

describe.each(["baseline", "nginx", "haproxy"] as const)("LocalBackend %s", (mesh) => {
  it("holds the target rate, measures every component and leaves nothing behind", async () => {
    const runId = `it-${mesh}-${Date.now()}`;
    const backend = new LocalBackend({ runRoot });
    const ctx = context(runId, spec(mesh));
    let pids: number[] = [];
    const results: IterationResult[] = [];
    try {
      await backend.prepare(ctx);
      pids = (await backend.processIds()).map((p) => p.pid);
      // upstream, plus master + worker for each nginx, one process for each haproxy
      expect(pids.length).toBe(mesh === "baseline" ? 1 : mesh === "nginx" ? 5 : 3);
      for (const iteration of [1, 2]) {
        results.push(await backend.runIteration(ctx, iteration));
        expect(ctx.fractions.at(-1)).toBe(1);
      }
    } finally {
      await backend.cleanup();
    }

    for (const [i, r] of results.entries()) expectHealthy(r, i + 1, mesh);
    expect(ctx.fractions.length).toBeGreaterThanOrEqual(6);

    for (const pid of pids) expect(alive(pid), `pid ${pid} still running`).toBe(false);
    expect(processesMentioning(path.join(runRoot, runId))).toEqual([]);
    expect(existsSync(path.join(runRoot, runId))).toBe(false);
    await backend.cleanup(); // idempotent
  });
});

// The cross-profile claim (a proxy pair is slower than the baseline at p50) is asserted once, end to
// end, in worker.test.ts: single low-rate runs on a 2-core VM swing by ~100 µs with CPU placement.
describe("LocalBackend failure handling", () => {
  it("stops every process when the run is aborted mid-iteration", async () => {
    const runId = `it-abort-${Date.now()}`;
    const ac = new AbortController();
    const backend = new LocalBackend({ runRoot });
    const ctx = context(runId, spec("nginx", { durationSeconds: 30 }), ac.signal);
    await backend.prepare(ctx);
    const pids = (await backend.processIds()).map((p) => p.pid);
    expect(pids).toHaveLength(5);
    setTimeout(() => ac.abort(new Error("cancelled by test")), 2_000);
    const started = Date.now();
    await expect(backend.runIteration(ctx, 1)).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The abort alone stops the workload, before anyone calls cleanup()...
    expect(await waitUntil(() => pids.every((pid) => !alive(pid)), 5_000)).toBe(true);
    // ...and cleanup() afterwards is harmless.
    await backend.cleanup();
    expect(processesMentioning(path.join(runRoot, runId))).toEqual([]);
    expect(existsSync(path.join(runRoot, runId))).toBe(false);
  });

  it("fails an iteration when a proxy died, and still stops its orphaned workers", async () => {
    const runId = `it-crash-${Date.now()}`;
    const backend = new LocalBackend({ runRoot, primeMs: 0 });
    const ctx = context(runId, spec("nginx"));
    try {
      await backend.prepare(ctx);
      const procs = await backend.processIds();
      const masterPid = procs.find((p) => p.component === "proxy-client")?.pid ?? -1;
      const pids = procs.map((p) => p.pid);
      process.kill(masterPid, "SIGKILL"); // its worker is re-parented to init and keeps running
      expect(await waitUntil(() => !alive(masterPid), 2_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      await expect(backend.runIteration(ctx, 1)).rejects.toThrow(/nginx \(proxy-client\) was killed by SIGKILL/);
      await backend.cleanup();
      for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
    } finally {
      await backend.cleanup();
    }
  });

  it("refuses profiles it cannot run, without starting anything", async () => {
    const backend = new LocalBackend({ runRoot });
    const s = { ...spec("baseline"), mesh: "istio" as const };
    await expect(backend.prepare(context(`it-istio-${Date.now()}`, s))).rejects.toThrow(
      /local backend runs baseline, nginx, haproxy/,
    );
    expect(await backend.processIds()).toEqual([]);
    await backend.cleanup();
  });

  it("cleans up after a failed prepare, reporting why it failed", async () => {
    const runId = `it-fail-${Date.now()}`;
    // A "proxy" that exits at once: the upstream is already running when prepare fails.
    const backend = new LocalBackend({ runRoot, proxyBinary: "/usr/bin/false" });
    const error = await backend.prepare(context(runId, spec("haproxy"))).catch((e: unknown) => e);
    expect(String(error)).toMatch(/haproxy \(proxy-server\) exited with code 1/);
    const pids = (await backend.processIds()).map((p) => p.pid);
    expect(pids.length).toBeGreaterThanOrEqual(1);
    await backend.cleanup();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(processesMentioning(path.join(runRoot, runId))).toEqual([]);
    expect(existsSync(path.join(runRoot, runId))).toBe(false);
  });
});

describe("reapOrphans", () => {
  /** A stand-in worker: prepares a run in its own process, says so, then waits to be killed. */
  async function crashingWorker(runId: string): Promise<ChildProcess> {
    const script = path.join(runRoot, `worker-${runId}.mts`);
    await writeFile(
      script,
      `import { LocalBackend } from ${JSON.stringify(path.join(REPO, "worker/backends/local/local-backend.ts"))};
import { runSpecSchema } from ${JSON.stringify(path.join(REPO, "core/spec.ts"))};
const spec = runSpecSchema.parse({ mesh: "nginx", rate: 100, connections: 2 });
const backend = new LocalBackend({ runRoot: ${JSON.stringify(runRoot)} });
await backend.prepare({ runId: ${JSON.stringify(runId)}, spec, signal: new AbortController().signal, log: () => {}, onIterationProgress: () => {} });
console.log("PREPARED");
setInterval(() => {}, 1000);
`,
    );
    const { NODE_OPTIONS: _drop, ...env } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const ok = await waitUntil(() => out.includes("PREPARED") || child.exitCode !== null, 30_000);
    if (!ok || !out.includes("PREPARED")) throw new Error(`stand-in worker did not prepare:\n${out}`);
    return child;
  }

  it("kills what a crashed worker left running and removes its run dir", async () => {
    const runId = `it-orphan-${Date.now()}`;
    const runDir = path.join(runRoot, runId);
    const child = await crashingWorker(runId);
    const left = processesMentioning(runDir);
    expect(left.length).toBeGreaterThanOrEqual(3); // upstream + two nginx masters (workers do not name the dir)
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(processesMentioning(runDir).length).toBe(left.length); // orphans survive their worker

    const reaped = await reapOrphans(runRoot);
    expect(reaped).toBe(5); // upstream, 2 × (nginx master + worker)
    expect(await waitUntil(() => processesMentioning(runDir).length === 0, 3_000)).toBe(true);
    expect(existsSync(runDir)).toBe(false);
  });

  it("leaves a live worker's run and unrelated processes alone", async () => {
    const runId = `it-live-${Date.now()}`;
    const backend = new LocalBackend({ runRoot });
    try {
      await backend.prepare(context(runId, spec("baseline")));
      const pids = (await backend.processIds()).map((p) => p.pid);
      expect(await reapOrphans(runRoot)).toBe(0); // the owner (this process) is alive
      for (const pid of pids) expect(alive(pid)).toBe(true);
    } finally {
      await backend.cleanup();
    }

    // A dead owner whose recorded pid now belongs to some other program: the dir goes, the program stays.
    const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const dir = path.join(runRoot, `it-reused-${Date.now()}`);
      const startTime = Number(readFileSync(`/proc/${sleeper.pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19]);
      await import("node:fs/promises").then(async (fs) => {
        await fs.mkdir(path.join(dir, "pids"), { recursive: true });
        await fs.writeFile(path.join(dir, "owner.json"), JSON.stringify({ pid: 999_999_999, startTime: 1 }));
        await fs.writeFile(
          path.join(dir, "pids", "upstream.json"),
          JSON.stringify({ component: "upstream", processes: [{ pid: sleeper.pid, startTime, cmdlineMatch: dir }] }),
        );
      });
      expect(await reapOrphans(runRoot)).toBe(0);
      expect(alive(sleeper.pid ?? -1)).toBe(true);
      expect(existsSync(dir)).toBe(false);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });
});
