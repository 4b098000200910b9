import { PROBES } from "~/core/probes";
import { NETWORK_SOFTIRQS, softirqName } from "../kernel-names";
import { metricTotal, perSecond, round } from "../summary-helpers";
import type { ProbeDefinition, SampleCounter } from "../types";
import { countEntries } from "./read-maps";

/**
 * Softirq time per vector: entry/exit on the same CPU bracket one handler run (softirqs do not
 * nest on a CPU). Summed in ns in the kernel, reported in µs.
 */
export const softirq: ProbeDefinition = {
  meta: PROBES.softirq,
  program() {
    return {
      body: `
tracepoint:irq:softirq_entry {
  @softirq_start[cpu] = nsecs;
}

tracepoint:irq:softirq_exit /@softirq_start[cpu] != 0/ {
  @softirq_ns[args->vec] = sum(nsecs - @softirq_start[cpu]);
  @softirqs[args->vec] = count();
  delete(@softirq_start[cpu]);
}`,
      printed: ["@softirq_ns", "@softirqs"],
      scratch: ["@softirq_start"],
    };
  },
  interpret(maps) {
    const counters: SampleCounter[] = [
      ...countEntries(maps, "@softirq_ns").map((e) => ({
        metric: "softirq_time",
        labels: { vector: softirqName(Number(e.parts[0])) },
        value: e.value / 1000,
      })),
      ...countEntries(maps, "@softirqs").map((e) => ({
        metric: "softirqs",
        labels: { vector: softirqName(Number(e.parts[0])) },
        value: e.value,
      })),
    ];
    return { counters, histograms: [] };
  },
  summarize(agg) {
    const percentOfCpu = (us: number) => (agg.durationS > 0 ? round(us / 1e4 / agg.durationS, 3) : null);
    const net = NETWORK_SOFTIRQS.reduce((sum, vector) => sum + metricTotal(agg, "softirq_time", { vector }), 0);
    return {
      cpuPercent: percentOfCpu(metricTotal(agg, "softirq_time")),
      netCpuPercent: percentOfCpu(net),
      perSecond: perSecond(metricTotal(agg, "softirqs"), agg.durationS),
    };
  },
};
