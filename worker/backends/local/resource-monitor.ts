import { performance } from "node:perf_hooks";
import type { ComponentUsage } from "~/core/result";
import type { ProcessSample } from "../types";
import { clockTicksPerSecond, descendantPids, readRssBytes, readStat } from "./proc";

export interface MonitoredProcess {
  component: string;
  role: ComponentUsage["role"];
  pid: number;
  /** Count forked children too (nginx workers do the proxying, not the master). */
  includeChildren: boolean;
}

interface PidTrack {
  firstTicks: number;
  lastTicks: number;
}

interface Track {
  spec: MonitoredProcess;
  pids: Map<string, PidTrack>;
  maxRss: number | null;
  seenAtStart: boolean;
}

/**
 * CPU and peak memory per component over exactly the measured window, from /proc:
 * CPU = (utime + stime at the end − at the start) / window, summed over the component's processes;
 * memory = the largest summed VmRSS seen by periodic samples (VmHWM would include warm-up and
 * start-up, and is per process). A component we could not read at the start reports null, not 0.
 */
export class ResourceMonitor {
  private readonly tracks: Track[];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sampling: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    processes: readonly MonitoredProcess[],
    private readonly intervalMs = 250,
    /** Every sample, per component: cumulative CPU seconds and current RSS, for live charts. */
    private readonly onSample?: (sample: ProcessSample) => void,
  ) {
    this.tracks = processes.map((spec) => ({ spec, pids: new Map(), maxRss: null, seenAtStart: false }));
  }

  /** Takes the baseline sample; stop() waits for it, so callers need not. */
  start(): Promise<void> {
    this.started = true;
    this.startedAt = performance.now();
    this.sampling = this.sample(true);
    this.timer = setInterval(() => {
      // Samples never overlap: a slow /proc read just delays the next one.
      this.sampling = this.sampling.then(() => this.sample(false));
    }, this.intervalMs);
    return this.sampling;
  }

  async stop(): Promise<ComponentUsage[]> {
    this.dispose();
    await this.sampling;
    const seconds = (performance.now() - this.startedAt) / 1000;
    await this.sample(false);
    const hz = clockTicksPerSecond();
    return this.tracks.map((t) => {
      let ticks = 0;
      for (const p of t.pids.values()) ticks += p.lastTicks - p.firstTicks;
      const measurable = this.started && t.seenAtStart && seconds > 0;
      return {
        component: t.spec.component,
        role: t.spec.role,
        cpuCores: measurable ? Math.round((ticks / hz / seconds) * 1000) / 1000 : null,
        maxRssBytes: measurable ? t.maxRss : null,
      };
    });
  }

  /** Stop sampling without computing anything (the run was aborted). */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(first: boolean): Promise<void> {
    for (const t of this.tracks) {
      const pids = t.spec.includeChildren ? [t.spec.pid, ...(await descendantPids(t.spec.pid))] : [t.spec.pid];
      let rss = 0;
      let any = false;
      for (const pid of pids) {
        const stat = await readStat(pid);
        if (!stat) continue;
        const key = `${pid}:${stat.startTime}`;
        const known = t.pids.get(key);
        // A process first seen after the start was born inside the window: all its CPU counts.
        if (known) known.lastTicks = stat.cpuTicks;
        else t.pids.set(key, { firstTicks: first ? stat.cpuTicks : 0, lastTicks: stat.cpuTicks });
        const r = await readRssBytes(pid);
        if (r !== null) {
          rss += r;
          any = true;
        }
      }
      if (first && t.pids.size > 0) t.seenAtStart = true;
      if (any) t.maxRss = Math.max(t.maxRss ?? 0, rss);
      if (this.onSample && t.pids.size > 0) {
        let ticks = 0;
        for (const p of t.pids.values()) ticks += p.lastTicks;
        const { component, role } = t.spec;
        this.onSample({ component, role, cpuSecondsTotal: ticks / clockTicksPerSecond(), rssBytes: any ? rss : null });
      }
    }
  }
}
