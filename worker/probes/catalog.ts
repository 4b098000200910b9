import type { ProbeName } from "~/core/probes";
import { runqlat } from "./programs/runqlat";
import { schedSwitches } from "./programs/sched-switches";
import { softirq } from "./programs/softirq";
import { syscalls } from "./programs/syscalls";
import { tcpConnections } from "./programs/tcp-connections";
import { tcpRetransmits } from "./programs/tcp-retransmits";
import { tcpRtt } from "./programs/tcp-rtt";
import type { ProbeDefinition } from "./types";

/** Every probe MeshBench can run: metadata (core/probes.ts) + program + interpretation. */
export const PROBE_DEFINITIONS: Record<ProbeName, ProbeDefinition> = {
  runqlat,
  tcp_retransmits: tcpRetransmits,
  tcp_rtt: tcpRtt,
  syscalls,
  sched_switches: schedSwitches,
  tcp_connections: tcpConnections,
  softirq,
};
