import { PROBES } from "~/core/probes";
import { processPredicate } from "../scope";
import { metricTotal, perSecond, round } from "../summary-helpers";
import type { ProbeDefinition } from "../types";
import { countEntries, restOf } from "./read-maps";

/**
 * Context switches away from the run's threads. In sched_switch the current task is the one
 * leaving, so pid/comm filter on it. It left involuntarily when it was still runnable: state R
 * (0; rescheduled on return to user space) or R+ (0x100; preempted in the kernel).
 */
export const schedSwitches: ProbeDefinition = {
  meta: PROBES.sched_switches,
  program(scope) {
    return {
      body: `
tracepoint:sched:sched_switch /${processPredicate(scope)}/ {
  @context_switches[pid, (args->prev_state & 0xff) == 0 ? 1 : 0, comm] = count();
}`,
      printed: ["@context_switches"],
      scratch: [],
    };
  },
  interpret(maps) {
    const counters = countEntries(maps, "@context_switches").map((e) => ({
      metric: "context_switches",
      labels: { pid: e.parts[0] ?? "", comm: restOf(e.parts, 2), kind: e.parts[1] === "1" ? "involuntary" : "voluntary" },
      value: e.value,
    }));
    return { counters, histograms: [] };
  },
  summarize(agg) {
    const total = metricTotal(agg, "context_switches");
    const involuntary = metricTotal(agg, "context_switches", { kind: "involuntary" });
    return {
      total,
      perSecond: perSecond(total, agg.durationS),
      involuntaryPercent: total > 0 ? round((100 * involuntary) / total) : null,
    };
  },
};
