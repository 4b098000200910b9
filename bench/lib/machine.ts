import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { sleep } from "./spawn";

export interface Machine {
  cpuModel: string;
  cores: number;
  kernel: string;
  node: string;
  wrk: string;
  nginx: string;
  loadAverage: number[];
  /** Share of all cores busy during a 1 s sample (before the bench starts: someone else's load). */
  busyShare: number;
}

/** First line a tool prints about its version (nginx -v writes to stderr, wrk -v exits 1). */
function version(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n")[0]?.trim() || "?";
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Share of CPU busy over `ms` (all cores). */
export async function busyShare(ms = 1000): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

export async function describeMachine(): Promise<Machine> {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown";
  return {
    cpuModel: model,
    cores: os.availableParallelism(),
    kernel: os.release(),
    node: process.version,
    wrk: version("wrk", ["-v"]),
    nginx: version("/usr/sbin/nginx", ["-v"]),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    busyShare: await busyShare(),
  };
}
