import { PROBES } from "~/core/probes";
import { commPredicate } from "../scope";
import { histogramFigures, perSecond } from "../summary-helpers";
import type { ProbeDefinition } from "../types";
import { histEntries } from "./read-maps";

/**
 * Run-queue latency, the classic runqlat: stamp a thread when it becomes runnable (woken, or
 * switched out while still runnable), measure when it gets a CPU. Thread ids (args->pid) are
 * what the scheduler tracepoints carry, hence no pid scoping. Pid 0 is the idle task.
 */
export const runqlat: ProbeDefinition = {
  meta: PROBES.runqlat,
  program(scope) {
    const comm = commPredicate(scope, "args->next_comm");
    return {
      body: `
tracepoint:sched:sched_wakeup, tracepoint:sched:sched_wakeup_new /args->pid != 0/ {
  @runqlat_start[args->pid] = nsecs;
}

tracepoint:sched:sched_switch {
  // prev_state 0 (R) or 0x100 (R+, preempted): the thread stays runnable and queues again.
  if ((args->prev_state & 0xff) == 0 && args->prev_pid != 0) {
    @runqlat_start[args->prev_pid] = nsecs;
  }
  $queued = @runqlat_start[args->next_pid];
  if ($queued > 0${comm ? ` && (${comm})` : ""}) {
    @runqlat_us = hist((nsecs - $queued) / 1000);
  }
  delete(@runqlat_start[args->next_pid]);
}`,
      printed: ["@runqlat_us"],
      scratch: ["@runqlat_start"],
      // One entry per runnable thread: the default 4096 is too small on a busy node.
      mapKeysMax: 65_536,
    };
  },
  interpret(maps) {
    return {
      counters: [],
      histograms: histEntries(maps, "@runqlat_us").map((e) => ({ metric: "runqlat", labels: {}, buckets: e.buckets })),
    };
  },
  summarize(agg) {
    const h = histogramFigures(agg, "runqlat");
    return { p50Us: h.p50, p99Us: h.p99, eventsPerSecond: perSecond(h.count, agg.durationS) };
  },
};
