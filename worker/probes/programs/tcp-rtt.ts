import { PROBES } from "~/core/probes";
import { histogramFigures, perSecond } from "../summary-helpers";
import type { ProbeDefinition } from "../types";
import { histEntries } from "./read-maps";

/**
 * Smoothed RTT from tcp:tcp_probe, which fires for every segment an established socket receives;
 * its srtt field is already in µs (the kernel stores srtt_us << 3 and the tracepoint shifts it
 * back). dport is the socket's remote port: a client's sockets show the service port, a server's
 * show the client's ephemeral port, grouped as 0 so they do not explode the key space.
 */
const EPHEMERAL_FROM = 32_768;

export const tcpRtt: ProbeDefinition = {
  meta: PROBES.tcp_rtt,
  program(scope) {
    const filter = scope.ports.map((p) => `args->dport == ${p}`).join(" || ");
    const key = scope.ports.length > 0 ? "args->dport" : `args->dport >= ${EPHEMERAL_FROM} ? 0 : args->dport`;
    return {
      body: `
tracepoint:tcp:tcp_probe ${filter ? `/${filter}/ ` : ""}{
  $port = ${key};
  @tcp_srtt_us[$port] = hist(args->srtt);
}`,
      printed: ["@tcp_srtt_us"],
      scratch: [],
    };
  },
  interpret(maps) {
    const histograms = histEntries(maps, "@tcp_srtt_us").map((e) => ({
      metric: "tcp_srtt",
      labels: { dport: e.parts[0] ?? "" },
      buckets: e.buckets,
    }));
    return { counters: [], histograms };
  },
  summarize(agg) {
    const h = histogramFigures(agg, "tcp_srtt");
    return { p50Us: h.p50, p99Us: h.p99, samplesPerSecond: perSecond(h.count, agg.durationS) };
  },
};
