import { readdir, readFile, readlink, writeFile } from "node:fs/promises";
import { clockTicksPerSecond, readStat } from "~/worker/backends/local/proc";

/**
 * What a probe costs: the bpftrace process's own CPU (reading maps, printing JSON) and, when the
 * kernel keeps BPF statistics, the run time of its BPF programs, which is charged to whichever
 * task hit the tracepoint and so is invisible in bpftrace's CPU.
 */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  const stat = await readStat(pid);
  return stat ? stat.cpuTicks / clockTicksPerSecond() : null;
}

export interface BpfProgramStats {
  runTimeNs: number;
  runCount: number;
}

/** Sums run_time_ns/run_cnt over the BPF program fds a process holds; null when not exposed. */
export async function bpfProgramStats(pid: number): Promise<BpfProgramStats | null> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  let found = false;
  const total = { runTimeNs: 0, runCount: 0 };
  for (const fd of fds) {
    try {
      if ((await readlink(`/proc/${pid}/fd/${fd}`)) !== "anon_inode:bpf-prog") continue;
      const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, "utf8");
      const time = /^run_time_ns:\s+(\d+)/m.exec(info);
      const count = /^run_cnt:\s+(\d+)/m.exec(info);
      if (!time?.[1] || !count?.[1]) continue;
      found = true;
      total.runTimeNs += Number(time[1]);
      total.runCount += Number(count[1]);
    } catch {
      // fd closed while we looked.
    }
  }
  return found ? total : null;
}

const BPF_STATS = "/proc/sys/kernel/bpf_stats_enabled";

export async function bpfStatsEnabled(): Promise<boolean> {
  try {
    return (await readFile(BPF_STATS, "utf8")).trim() === "1";
  } catch {
    return false;
  }
}

/**
 * Turns on kernel.bpf_stats_enabled (it costs two clock reads per BPF program run, for every BPF
 * program on the host) for as long as someone holds it, and back off after the last release when
 * it was off before. Returns the release function.
 */
let holders = 0;
let turnedOnByUs = false;

export async function acquireBpfStats(): Promise<() => Promise<void>> {
  holders++;
  if (holders === 1 && !(await bpfStatsEnabled())) {
    turnedOnByUs = await writeFile(BPF_STATS, "1").then(
      () => true,
      () => false,
    );
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    holders--;
    if (holders === 0 && turnedOnByUs) {
      turnedOnByUs = false;
      await writeFile(BPF_STATS, "0").catch(() => {});
    }
  };
}
