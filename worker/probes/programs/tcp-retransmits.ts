import { PROBES } from "~/core/probes";
import { tcpStateName } from "../kernel-names";
import { portPredicate } from "../scope";
import { metricTotal, perSecond } from "../summary-helpers";
import type { ProbeDefinition } from "../types";
import { countEntries } from "./read-maps";

/** Retransmitted segments by TCP state; fires in timer/softirq context, so host-wide or by port. */
export const tcpRetransmits: ProbeDefinition = {
  meta: PROBES.tcp_retransmits,
  program(scope) {
    const ports = portPredicate(scope, "args->sport", "args->dport");
    return {
      body: `
tracepoint:tcp:tcp_retransmit_skb ${ports ? `/${ports}/ ` : ""}{
  @tcp_retransmits[args->state] = count();
}`,
      printed: ["@tcp_retransmits"],
      scratch: [],
    };
  },
  interpret(maps) {
    const counters = countEntries(maps, "@tcp_retransmits").map((e) => ({
      metric: "tcp_retransmits",
      labels: { state: tcpStateName(Number(e.parts[0])) },
      value: e.value,
    }));
    return { counters, histograms: [] };
  },
  summarize(agg) {
    const total = metricTotal(agg, "tcp_retransmits");
    return { total, perSecond: perSecond(total, agg.durationS) };
  },
};
