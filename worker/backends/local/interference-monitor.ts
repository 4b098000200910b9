import { readdir, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { type ProcessNameCpu, type RunInterference, unpinnedPlacement } from "~/core/interference";
import { clockTicksPerSecond, readStat } from "./proc";

/** One process as a /proc scan saw it. */
export interface ScannedProcess {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime in clock ticks */
  cpuTicks: number;
  startTime: number;
}

export interface MachineSnapshot {
  /** By `pid:startTime`, so a reused pid is a different process. */
  processes: Map<string, ScannedProcess>;
  /** Steal ticks summed over all CPUs (/proc/stat); null where unreadable. */
  stealTicks: number | null;
}

/**
 * CPU used by everything on the machine except the benchmark, over exactly the measured window:
 * one scan of /proc at the window's start, one at its end, the difference per process. The
 * benchmark is the worker process (the load generator runs in it) and every process it started
 * (upstream, proxies, probes). A process born inside the window counts whole; one that ended
 * inside it is not seen at the end and is missed, so the figure is a lower bound.
 */
export class InterferenceMonitor {
  private startSnapshot: Promise<MachineSnapshot> | null = null;
  private startedAt = 0;

  constructor(private readonly benchmarkRoot = process.pid) {}

  start(): Promise<MachineSnapshot> {
    this.startedAt = performance.now();
    this.startSnapshot = scanMachine();
    return this.startSnapshot;
  }

  /** null when start() was never called (the window never opened). */
  async stop(): Promise<RunInterference | null> {
    if (!this.startSnapshot) return null;
    const before = await this.startSnapshot;
    const after = await scanMachine();
    const seconds = (performance.now() - this.startedAt) / 1000;
    return interferenceBetween(before, after, seconds, this.benchmarkRoot, clockTicksPerSecond(), availableParallelism());
  }
}

/** Pure: the interference between two scans `seconds` apart, the benchmark being `root` and its descendants. */
export function interferenceBetween(
  before: MachineSnapshot,
  after: MachineSnapshot,
  seconds: number,
  root: number,
  ticksPerSecond: number,
  cpuCount: number,
): RunInterference {
  const benchmark = new Set([...descendantsOf(root, before), ...descendantsOf(root, after)]);
  const byName = new Map<string, { ticks: number; processes: number }>();
  let outsideTicks = 0;
  for (const [key, p] of after.processes) {
    if (benchmark.has(p.pid)) continue;
    const ticks = p.cpuTicks - (before.processes.get(key)?.cpuTicks ?? 0);
    if (ticks <= 0) continue;
    outsideTicks += ticks;
    const known = byName.get(p.comm) ?? { ticks: 0, processes: 0 };
    byName.set(p.comm, { ticks: known.ticks + ticks, processes: known.processes + 1 });
  }
  const toSeconds = (ticks: number) => ticks / ticksPerSecond;
  const names: ProcessNameCpu[] = [...byName.entries()]
    .map(([comm, v]) => ({ comm, cpuSeconds: toSeconds(v.ticks), processes: v.processes }))
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  const steal =
    before.stealTicks === null || after.stealTicks === null ? null : toSeconds(Math.max(0, after.stealTicks - before.stealTicks));
  return {
    windowSeconds: seconds,
    outsideCpuSeconds: toSeconds(outsideTicks),
    stealSeconds: steal,
    byName: names,
    placement: unpinnedPlacement(cpuCount),
  };
}

/** `root` and every process below it in the snapshot's parentage. */
function descendantsOf(root: number, snapshot: MachineSnapshot): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of snapshot.processes.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out = new Set([root]);
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      if (out.has(child)) continue;
      out.add(child);
      queue.push(child);
    }
  }
  return out;
}

async function scanMachine(): Promise<MachineSnapshot> {
  const processes = new Map<string, ScannedProcess>();
  // Never rejects: the scan is started without waiting, and a failed one just finds nothing.
  const names = await readdir("/proc").catch(() => [] as string[]);
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readStat(Number(name));
    if (!stat) continue;
    processes.set(`${stat.pid}:${stat.startTime}`, stat);
  }
  return { processes, stealTicks: await readStealTicks() };
}

/** The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal ... */
export function parseStealTicks(procStat: string): number | null {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  const steal = Number(line?.trim().split(/\s+/)[8]);
  return Number.isFinite(steal) ? steal : null;
}

async function readStealTicks(): Promise<number | null> {
  try {
    return parseStealTicks(await readFile("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}
