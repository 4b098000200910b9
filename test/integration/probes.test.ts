import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ProbeRunMeasured, ProbeRunResult } from "~/core/probes";
import { detectCapabilities } from "~/worker/probes/capabilities";
import { runProbeFor, startProbe } from "~/worker/probes/runner";
import type { ProbeSample } from "~/worker/probes/types";
import { type LoadProcess, startConnectors, startCpuHog, startHttpLoad, startStuckListener } from "../fixtures/bpftrace/load";
import { processesMentioning } from "./processes";

/**
 * Real bpftrace against real load on loopback. Needs root, bpftrace and tracefs (the capability
 * check mounts it); each probe runs ~3 s.
 */
const started: LoadProcess[] = [];
async function load<T extends LoadProcess>(p: Promise<T>): Promise<T> {
  const l = await p;
  started.push(l);
  return l;
}
afterAll(async () => {
  for (const l of started) await l.stop();
});

function measured(result: ProbeRunResult): ProbeRunMeasured {
  if (!result.available) throw new Error(`probe unavailable: ${result.reason}\n${result.diagnostics?.stderr ?? ""}`);
  expect(result.complete).toBe(true);
  expect(result.diagnostics.unknownRecords).toEqual([]);
  expect(result.data.intervals.length).toBeGreaterThanOrEqual(2);
  return result;
}

const total = (r: ProbeRunMeasured, metric: string, labels: Record<string, string> = {}) =>
  r.data.totals.find((t) => t.metric === metric && JSON.stringify(t.labels) === JSON.stringify(labels))?.value ?? 0;

describe("capability detection", () => {
  it("finds bpftrace, root and tracefs on this machine", async () => {
    const capability = await detectCapabilities({ tracepoints: ["sched:sched_switch", "tcp:tcp_probe"] });
    expect(capability).toMatchObject({ available: true, tracefs: expect.stringMatching(/tracing$/) });
    expect(capability.available && capability.bpftraceVersion).toMatch(/bpftrace v\d/);
  });

  it("says bpftrace is missing when PATH does not have it, and the probe result says unavailable", async () => {
    const env = { ...process.env, PATH: "/nonexistent" };
    const capability = await detectCapabilities({ env });
    expect(capability).toEqual({
      available: false,
      reason: expect.stringMatching(/bpftrace is not installed .*PATH "\/nonexistent"/),
    });

    const result = await runProbeFor("runqlat", 2, undefined, { env });
    expect(result.available).toBe(false);
    expect(!result.available && result.reason).toMatch(/bpftrace is not installed/);
    expect(result).not.toHaveProperty("data");
    expect(result).not.toHaveProperty("summary");
  });

  it("names tracepoints the kernel lacks", async () => {
    const capability = await detectCapabilities({ tracepoints: ["sched:sched_switch", "nope:not_here"] });
    expect(capability).toEqual({ available: false, reason: "this kernel has no tracepoint nope:not_here" });
  });
});

describe("probes on real load", () => {
  it("runqlat: threads queue for the CPU while more are runnable than there are CPUs", async () => {
    await load(startCpuHog(8));
    await load(startCpuHog(8));
    await load(startHttpLoad(8));
    const samples: ProbeSample[] = [];
    const r = measured(await runProbeFor("runqlat", 3, undefined, { onSample: (s) => samples.push(s) }));
    const h = r.data.histograms.find((x) => x.metric === "runqlat");
    expect(h?.buckets.filter((b) => b.count > 0).length).toBeGreaterThan(3);
    expect(r.summary.p50Us).toBeGreaterThan(0);
    expect(r.summary.p99Us).toBeGreaterThan(r.summary.p50Us ?? 0);
    expect(samples.length).toBe(r.data.intervals.length);
    expect(samples[0]?.histograms[0]?.buckets.length).toBeGreaterThan(0);
    expect(r.scope.hostWide).toBe(true);
  });

  it("syscalls: counts the load process's own socket writes and reads, and only its", async () => {
    const http = await load(startHttpLoad(6));
    const r = measured(await runProbeFor("syscalls", 3, undefined, { pids: [http.pid] }));
    // Node writes to sockets with write/writev and reads with read; epoll drives it.
    const writes =
      total(r, "syscalls", { syscall: "write" }) +
      total(r, "syscalls", { syscall: "writev" }) +
      total(r, "syscalls", { syscall: "sendto" });
    expect(writes).toBeGreaterThan(500);
    expect(total(r, "syscalls", { syscall: "read" })).toBeGreaterThan(500);
    const pids = new Set(
      r.data.totals.filter((t) => t.metric === "syscalls_by_process" && t.labels.pid).map((t) => t.labels.pid),
    );
    expect(pids).toEqual(new Set([String(http.pid)]));
    expect(r.summary.perSecond).toBeGreaterThan(500);
    expect(r.scope).toEqual({ hostWide: false, pids: [http.pid], comms: [], ports: [] });
  });

  it("sched_switches: sees the run's pids and only them", async () => {
    const http = await load(startHttpLoad(6));
    const hog = await load(startCpuHog(6));
    const r = measured(await runProbeFor("sched_switches", 3, undefined, { pids: [http.pid, hog.pid] }));
    const pids = new Set(r.data.totals.filter((t) => t.labels.pid).map((t) => Number(t.labels.pid)));
    expect(pids.has(http.pid)).toBe(true);
    expect([...pids].every((p) => p === http.pid || p === hog.pid)).toBe(true);
    expect(r.summary.perSecond).toBeGreaterThan(10);
    expect(r.summary.involuntaryPercent).not.toBeNull();
  });

  it("tcp_retransmits: SYN retransmits towards a listener that drops them", async () => {
    const stuck = await load(startStuckListener());
    await load(startConnectors(stuck.port, 6, 6));
    const r = measured(await runProbeFor("tcp_retransmits", 3, undefined, { ports: [stuck.port] }));
    expect(total(r, "tcp_retransmits", { state: "SYN_SENT" })).toBeGreaterThan(0);
    expect(r.summary.total).toBe(total(r, "tcp_retransmits"));
  });

  it("tcp_rtt: smoothed RTT of connections to the load's port, in µs", async () => {
    const http = await load(startHttpLoad(6));
    const r = measured(await runProbeFor("tcp_rtt", 3, undefined, { ports: [http.port] }));
    const h = r.data.histograms.find((x) => x.metric === "tcp_srtt" && x.labels.dport === String(http.port));
    expect(h?.count).toBeGreaterThan(100);
    // Loopback: microseconds to a few milliseconds, not seconds.
    expect(r.summary.p50Us).toBeGreaterThan(0);
    expect(r.summary.p50Us).toBeLessThan(100_000);
  });

  it("tcp_connections: new connections opened and closed per second", async () => {
    const http = await load(startHttpLoad(6, 4, 5));
    const r = measured(await runProbeFor("tcp_connections", 3, undefined, { ports: [http.port] }));
    const active = total(r, "tcp_connections_opened", { direction: "active", port: String(http.port) });
    const passive = total(r, "tcp_connections_opened", { direction: "passive", port: String(http.port) });
    expect(active).toBeGreaterThan(20);
    // At most one handshake per connection slot (4) is in flight at each edge of the window (start
    // and stop), and it may be counted on one side only: up to 8, not 4.
    expect(Math.abs(active - passive)).toBeLessThanOrEqual(8);
    expect(r.summary.openedPerSecond).toBeGreaterThan(5);
    expect(r.summary.closedPerSecond).toBeGreaterThan(5);
  });

  it("softirq: loopback traffic is processed as NET_RX softirqs", async () => {
    await load(startHttpLoad(6));
    const r = measured(await runProbeFor("softirq", 3, undefined, { bpfStats: true }));
    expect(total(r, "softirq_time", { vector: "NET_RX" })).toBeGreaterThan(0);
    expect(r.summary.netCpuPercent).toBeGreaterThan(0);
    // With kernel BPF statistics on, the programs' own in-kernel time is measured.
    expect(r.overhead.bpfRunCount).toBeGreaterThan(0);
    expect(r.overhead.bpfRunTimeNs).toBeGreaterThan(0);
    expect(r.overhead.bpftraceCpuSeconds).not.toBeNull();
  });
});

describe("runner lifecycle", () => {
  const fakes = mkdtempSync(path.join(tmpdir(), "meshbench-fake-bpftrace-"));
  afterAll(() => rmSync(fakes, { recursive: true, force: true }));
  /** A stand-in bpftrace (first on PATH) that answers --version and otherwise runs `script`. */
  function fakeBpftrace(name: string, script: string): NodeJS.ProcessEnv {
    const dir = path.join(fakes, name);
    mkdirSync(dir, { recursive: true });
    const bin = path.join(dir, "bpftrace");
    writeFileSync(bin, `#!/bin/bash\nif [ "$1" = "--version" ]; then echo "bpftrace v0.17.0"; exit 0; fi\n${script}\n`);
    chmodSync(bin, 0o755);
    return { ...process.env, PATH: `${dir}:${process.env.PATH ?? ""}` };
  }

  it("stop() is idempotent and leaves no bpftrace behind", async () => {
    const handle = await startProbe({ probe: "sched_switches", pids: [process.pid] });
    expect(handle.running).toBe(true);
    expect(processesMentioning("meshbench:tick").length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500));
    const [a, b] = await Promise.all([handle.stop(), handle.stop()]);
    expect(a).toBe(b);
    expect(await handle.stop()).toBe(a);
    expect(a.available).toBe(true);
    expect(processesMentioning("meshbench:tick")).toEqual([]);
  });

  it("reports a bpftrace that fails to load with its error, not with numbers", async () => {
    const env = fakeBpftrace("fails", 'echo "ERROR: Error loading program: tracepoint:sched:sched_switch (try -v)" >&2; exit 1');
    const result = await runProbeFor("sched_switches", 2, undefined, { env });
    expect(result.available).toBe(false);
    expect(!result.available && result.reason).toBe(
      "bpftrace failed (exit code 1): ERROR: Error loading program: tracepoint:sched:sched_switch (try -v)",
    );
  });

  it("kills a bpftrace that ignores SIGINT", async () => {
    const env = fakeBpftrace(
      "stuck",
      `trap '' INT\necho '{"type": "printf", "data": "meshbench:begin 1\\n"}'\nwhile :; do sleep 0.1; done`,
    );
    const handle = await startProbe({ probe: "softirq", env, stopTimeoutMs: 300 });
    expect(handle.running).toBe(true);
    const t0 = Date.now();
    const result = await handle.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(result.available).toBe(false);
    expect(!result.available && result.diagnostics?.signal).toBe("SIGKILL");
  });

  it("gives up on a bpftrace that never attaches, and says so", async () => {
    const env = fakeBpftrace("silent", "while :; do sleep 0.1; done");
    const handle = await startProbe({ probe: "runqlat", env, attachTimeoutMs: 300, stopTimeoutMs: 300 });
    expect(handle.running).toBe(false);
    expect(await handle.stop()).toMatchObject({ available: false, reason: "bpftrace did not attach within 300 ms" });
  });

  it("a probe that reaches its own deadline (maxSeconds) is complete, with a note", async () => {
    const result = await runProbeFor("sched_switches", 10, undefined, { pids: [process.pid], maxSeconds: 2 });
    expect(result.available && result.complete).toBe(true);
    expect(result.available && result.warnings.join(" ")).toMatch(/own deadline/);
    // It stopped itself about 2 s after attaching, not after the 10 s asked of runProbeFor.
    const end = result.available ? (result.data.intervals.at(-1)?.endS ?? 0) : 0;
    expect(end).toBeGreaterThan(1.9);
    expect(end).toBeLessThan(2.6);
  });

  it("an abort ends a standalone probe early, keeping what it measured", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 2500);
    const t0 = Date.now();
    const result = await runProbeFor("softirq", 30, controller.signal);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(result.available).toBe(true);
    expect(result.available && result.complete).toBe(false);
    expect(result.available && result.warnings).toContain("cancelled before the requested duration");
  });

  it("turns invalid options into an unavailable result", async () => {
    const result = await runProbeFor("syscalls", 1, undefined, { comms: ['evil"'] });
    expect(result).toMatchObject({
      available: false,
      reason: expect.stringMatching(/^invalid probe options: invalid command name/),
    });
  });
});
