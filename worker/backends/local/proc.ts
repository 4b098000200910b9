import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

/**
 * Reading Linux /proc: CPU time, memory, parentage and identity of processes. Parsers are pure
 * (tested on fixed text); readers return null when the process is gone, which is normal here.
 */

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** user + system CPU time in clock ticks */
  cpuTicks: number;
  /** Start time in clock ticks since boot: with the pid, a process identity that survives pid reuse. */
  startTime: number;
}

/** Parse /proc/<pid>/stat. comm is in parentheses and may itself contain spaces or ')'. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // Fields after comm, starting at field 3 (state): index = field number - 3.
  const rest = text.slice(close + 2).split(" ");
  const field = (n: number) => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "?",
    ppid: field(4),
    cpuTicks: field(14) + field(15),
    startTime: field(22),
  };
  return Number.isFinite(stat.cpuTicks) && Number.isFinite(stat.startTime) && Number.isFinite(stat.ppid) ? stat : null;
}

/** Resident set size in bytes from /proc/<pid>/status (VmRSS, in kB). null for kernel threads/zombies. */
export function parseRssBytes(statusText: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  return m?.[1] ? Number(m[1]) * 1024 : null;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return null;
  }
}

export async function readStat(pid: number): Promise<ProcStat | null> {
  const text = await readText(`/proc/${pid}/stat`);
  return text === null ? null : parseStat(text);
}

export async function readRssBytes(pid: number): Promise<number | null> {
  const text = await readText(`/proc/${pid}/status`);
  return text === null ? null : parseRssBytes(text);
}

/** The command line with NUL separators turned into spaces (nginx rewrites it to "nginx: master process ..."). */
export async function readCmdline(pid: number): Promise<string | null> {
  const text = await readText(`/proc/${pid}/cmdline`);
  return text === null ? null : text.replace(/\0/g, " ").trim();
}

/** Alive and still the same process (not a reused pid), and not a zombie. */
export async function isSameProcessAlive(pid: number, startTime: number): Promise<boolean> {
  const stat = await readStat(pid);
  return stat !== null && stat.startTime === startTime && stat.state !== "Z";
}

/** Direct children, from /proc/<pid>/task/<tid>/children (every thread can be a parent). */
export async function childPids(pid: number): Promise<number[]> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    const text = await readText(`/proc/${pid}/task/${tid}/children`);
    if (text === null) return scanChildren(pid); // kernel without CONFIG_PROC_CHILDREN
    for (const s of text.split(" ")) if (s.trim() !== "") out.push(Number(s));
  }
  return out;
}

async function scanChildren(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readStat(Number(name));
    if (stat?.ppid === pid) out.push(stat.pid);
  }
  return out;
}

/** All descendants (children, their children, ...). */
export async function descendantPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of await childPids(next)) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

let clockTicks: number | undefined;

/** USER_HZ: the unit of /proc CPU times. Asked once; 100 on every Linux we know of if getconf is missing. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
      clockTicks = Number.isFinite(n) && n > 0 ? n : 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}
