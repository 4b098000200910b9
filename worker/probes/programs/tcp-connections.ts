import { PROBES } from "~/core/probes";
import { TCP_CLOSE, TCP_ESTABLISHED, TCP_SYN_RECV, TCP_SYN_SENT, tcpStateName } from "../kernel-names";
import { portPredicate } from "../scope";
import { metricTotal, perSecond } from "../summary-helpers";
import type { ProbeDefinition, SampleCounter } from "../types";
import { countEntries } from "./read-maps";

/**
 * Connection churn from sock:inet_sock_set_state (TCP only: the tracepoint also reports SCTP and
 * MPTCP). SYN_SENT → ESTABLISHED is a connect() that succeeded (service port = remote port);
 * SYN_RECV → ESTABLISHED an accepted connection (service port = local port). Every socket's life
 * ends with a transition to CLOSE; the state it left tells how.
 */
const IPPROTO_TCP = 6;

export const tcpConnections: ProbeDefinition = {
  meta: PROBES.tcp_connections,
  program(scope) {
    const ports = portPredicate(scope, "args->sport", "args->dport");
    return {
      body: `
tracepoint:sock:inet_sock_set_state /args->protocol == ${IPPROTO_TCP}${ports ? ` && (${ports})` : ""}/ {
  // Two update sites, not one with a ternary port: LLVM turns "cond ? args->dport : args->sport"
  // into a computed pointer into the context, which the verifier rejects.
  if (args->newstate == ${TCP_ESTABLISHED} && args->oldstate == ${TCP_SYN_SENT}) {
    @tcp_opened[${TCP_SYN_SENT}, args->dport] = count();
  }
  if (args->newstate == ${TCP_ESTABLISHED} && args->oldstate == ${TCP_SYN_RECV}) {
    @tcp_opened[${TCP_SYN_RECV}, args->sport] = count();
  }
  if (args->newstate == ${TCP_CLOSE}) {
    @tcp_closed[args->oldstate] = count();
  }
}`,
      printed: ["@tcp_opened", "@tcp_closed"],
      scratch: [],
    };
  },
  interpret(maps) {
    const counters: SampleCounter[] = [
      ...countEntries(maps, "@tcp_opened").map((e) => ({
        metric: "tcp_connections_opened",
        labels: { direction: Number(e.parts[0]) === TCP_SYN_SENT ? "active" : "passive", port: e.parts[1] ?? "" },
        value: e.value,
      })),
      ...countEntries(maps, "@tcp_closed").map((e) => ({
        metric: "tcp_connections_closed",
        labels: { from_state: tcpStateName(Number(e.parts[0])) },
        value: e.value,
      })),
    ];
    return { counters, histograms: [] };
  },
  summarize(agg) {
    return {
      openedPerSecond: perSecond(metricTotal(agg, "tcp_connections_opened"), agg.durationS),
      closedPerSecond: perSecond(metricTotal(agg, "tcp_connections_closed"), agg.durationS),
      failedConnects: metricTotal(agg, "tcp_connections_closed", { from_state: "SYN_SENT" }),
    };
  },
};
