import { readdirSync, readFileSync } from "node:fs";

/**
 * On-CPU time of a whole process (all threads) in nanoseconds, from /proc/<pid>/task/<tid>/schedstat
 * (first field: time spent on the CPU). Finer than the 10 ms ticks of /proc/<pid>/stat; null once
 * the process is gone or when the kernel has no schedstat.
 */
export function processCpuNs(pid: number): number | null {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that just exited
    }
  }
  return Number.isFinite(total) ? total : null;
}

/**
 * Samples a child's CPU time until it exits; the last sample before exit is its CPU use
 * (minus at most one interval of its final moments, when a load tool only prints its summary).
 */
export class CpuPoller {
  private last: number | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 20,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const ns = processCpuNs(this.pid);
    if (ns !== null) this.last = ns;
  }

  /** CPU milliseconds seen so far; stops sampling. */
  stop(): number | null {
    clearInterval(this.timer);
    return this.last === null ? null : this.last / 1e6;
  }
}
