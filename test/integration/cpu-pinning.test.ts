import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import { onlineCpus, restoreLeftoverAffinity } from "~/worker/backends/local/cpu-pinning";
import { LocalBackend } from "~/worker/backends/local/local-backend";

/**
 * Real pinning with taskset on this machine: with an explicit CPU list (two cores here, too few
 * for "auto"), the benchmark's processes run on it and another process is moved off it until the
 * run ends. Every process on the machine is confined to the other CPU for a few seconds.
 */

const affinityOf = (pid: number) => /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];

let runRoot = "";
let bystander: ChildProcess;

beforeAll(async () => {
  runRoot = await mkdtemp(path.join(os.tmpdir(), "meshbench-pinning-"));
  // A process that is not the benchmark's, started before it, detached from this one.
  bystander = spawn("sleep", ["120"], { detached: true, stdio: "ignore" });
});

afterAll(async () => {
  bystander.kill("SIGKILL");
  await restoreLeftoverAffinity(runRoot);
  await rm(runRoot, { recursive: true, force: true });
});

describe("CPU pinning of a local benchmark", () => {
  it("pins the benchmark to its CPU, moves the rest off it, records where it ran, and restores every affinity", async () => {
    const online = await onlineCpus();
    if (online.length < 2) throw new Error("this test needs two CPUs");
    const mine = online.at(-1) ?? 1;
    const before = { self: affinityOf(process.pid), bystander: affinityOf(bystander.pid ?? -1) };
    const backend = new LocalBackend({ runRoot, pinning: { kind: "cpus", cpus: [mine] }, primeMs: 0 });
    const spec = runSpecSchema.parse({
      mesh: "nginx",
      rate: 100,
      connections: 2,
      durationSeconds: 1,
      warmupSeconds: 0,
      payloadBytes: 0,
    });
    const ctx = {
      runId: "pinned",
      spec,
      signal: new AbortController().signal,
      log: () => undefined,
      onIterationProgress: () => undefined,
    };
    try {
      await backend.prepare(ctx);
      expect(affinityOf(process.pid)).toBe(String(mine));
      for (const { component, pid } of await backend.processIds()) expect(affinityOf(pid), component).toBe(String(mine));
      expect(affinityOf(bystander.pid ?? -1)).not.toContain(String(mine));
      await backend.runIteration(ctx, 1);
      expect(backend.interference().placement).toMatchObject({ isolated: true, benchmarkCpus: String(mine) });
      expect(backend.interference().placement.note).toMatch(/benchmark pinned to CPU \d+ of \d+; \d+ other processes moved/);
    } finally {
      await backend.cleanup();
    }
    expect(affinityOf(process.pid)).toBe(before.self);
    expect(affinityOf(bystander.pid ?? -1)).toBe(before.bystander);
  }, 60_000);
});
