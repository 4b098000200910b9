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

/** user + system CPU of the whole process, dead threads included, in ns (10 ms tick resolution). */
export function processStatCpuNs(pid: number, ticksPerSecond: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(rest[11]) + Number(rest[12]); // fields 14 and 15: utime, stime
    return Number.isFinite(ticks) ? (ticks / ticksPerSecond) * 1e9 : null;
  } catch {
    return null;
  }
}

/**
 * Samples a child's CPU time until it exits. Threads that exit take their schedstat with them
 * (wrk's worker threads end before wrk prints), so it keeps the largest schedstat sum seen and the
 * largest /proc/<pid>/stat total (which includes exited threads, at tick resolution), and reports
 * the larger of the two. Misses at most one interval of the process's last moments.
 */
export class CpuPoller {
  private maxSched = 0;
  private maxStat = 0;
  private seen = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly ticksPerSecond: number,
    everyMs = 20,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const sched = processCpuNs(this.pid);
    const stat = processStatCpuNs(this.pid, this.ticksPerSecond);
    if (sched !== null) this.maxSched = Math.max(this.maxSched, sched);
    if (stat !== null) this.maxStat = Math.max(this.maxStat, stat);
    this.seen ||= sched !== null || stat !== null;
  }

  /** CPU milliseconds seen so far; stops sampling. */
  stop(): number | null {
    clearInterval(this.timer);
    return this.seen ? Math.max(this.maxSched, this.maxStat) / 1e6 : null;
  }
}
