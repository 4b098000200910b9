import type { HistBucket } from "./parsers/bpftrace";

/**
 * The eBPF probe catalog as the web and the worker both see it: what each probe measures, in
 * which units, and how far it can be scoped. Pure data, no Node imports: the browser imports it to
 * label charts. The bpftrace programs themselves live in worker/probes/programs.
 */
export const PROBE_NAMES = [
  "runqlat",
  "tcp_retransmits",
  "tcp_rtt",
  "syscalls",
  "sched_switches",
  "tcp_connections",
  "softirq",
] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

export function isProbeName(value: string): value is ProbeName {
  return (PROBE_NAMES as readonly string[]).includes(value);
}

export interface ProbeMetricMeta {
  /** Stable id, also the Prometheus metric suffix (meshbench_probe_<name>). */
  name: string;
  /** counter: events (or a quantity like µs) counted per interval; histogram: log2 buckets. */
  kind: "counter" | "histogram";
  /** Unit of one counted event or of a histogram value, e.g. "syscalls", "µs". */
  unit: string;
  title: string;
  description: string;
  /** Label names this metric's samples carry. */
  labels: readonly string[];
}

export interface ProbeSummaryFieldMeta {
  key: string;
  label: string;
  unit: string;
}

export interface ProbeMeta {
  name: ProbeName;
  title: string;
  /** What it shows and why it matters for a mesh, for a user who never heard of eBPF. */
  description: string;
  /** histogram: the end-of-run histogram is the main result; rate: per-second series are. */
  kind: "histogram" | "rate";
  /** Unit of the main figure. */
  unit: string;
  /** host: sees the whole machine (node); processes: can be limited to the run's processes. */
  scope: "host" | "processes";
  /** Which scoping options the program honours; others are ignored and the result says so. */
  scoping: { pids: boolean; comms: boolean; ports: boolean };
  scopeNote: string;
  tracepoints: readonly string[];
  metrics: readonly ProbeMetricMeta[];
  summary: readonly ProbeSummaryFieldMeta[];
}

const HOST = { pids: false, comms: false, ports: false };

export const PROBES: Record<ProbeName, ProbeMeta> = {
  runqlat: {
    name: "runqlat",
    title: "Run-queue latency",
    description:
      "How long threads wait for a CPU after they became ready to run. Proxies add runnable threads; when " +
      "CPUs are contended this wait lands directly on request latency.",
    kind: "histogram",
    unit: "µs",
    scope: "host",
    scoping: { pids: false, comms: true, ports: false },
    scopeNote:
      "Host-wide. Can be limited to threads by command name (comm); not by pid, because the scheduler tracepoints only carry thread ids.",
    tracepoints: ["sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_switch"],
    metrics: [
      {
        name: "runqlat",
        kind: "histogram",
        unit: "µs",
        title: "Run-queue latency",
        description: "Time from wake-up (or preemption) to running on a CPU, per scheduling event.",
        labels: [],
      },
    ],
    summary: [
      { key: "p50Us", label: "p50 wait", unit: "µs" },
      { key: "p99Us", label: "p99 wait", unit: "µs" },
      { key: "eventsPerSecond", label: "scheduling events", unit: "/s" },
    ],
  },
  tcp_retransmits: {
    name: "tcp_retransmits",
    title: "TCP retransmissions",
    description:
      "Segments the kernel had to send again, by TCP state. Retransmits mean loss or overload somewhere on the " +
      "path; each one costs at least a retransmission timeout on the request that waits for it.",
    kind: "rate",
    unit: "retransmits/s",
    scope: "host",
    scoping: { pids: false, comms: false, ports: true },
    scopeNote:
      "Host-wide (retransmits run in kernel timer context, not in a process). Can be limited to connections using given ports.",
    tracepoints: ["tcp:tcp_retransmit_skb"],
    metrics: [
      {
        name: "tcp_retransmits",
        kind: "counter",
        unit: "retransmits",
        title: "Retransmits",
        description: "Retransmitted TCP segments, by the socket's TCP state.",
        labels: ["state"],
      },
    ],
    summary: [
      { key: "total", label: "retransmits", unit: "segments" },
      { key: "perSecond", label: "rate", unit: "/s" },
    ],
  },
  tcp_rtt: {
    name: "tcp_rtt",
    title: "TCP smoothed RTT",
    description:
      "The kernel's smoothed round-trip time of established TCP connections, sampled on every received segment, " +
      "by destination port. A mesh adds hops; their queueing shows up here before it shows up in percentiles.",
    kind: "histogram",
    unit: "µs",
    scope: "host",
    scoping: { pids: false, comms: false, ports: true },
    scopeNote:
      "Host-wide (segments are received in softirq context). Can be limited to connections whose remote port is one " +
      "of the given ports (the client's view of a service); otherwise remote ports from 32768 up (clients' ephemeral " +
      "ports, seen by servers) are grouped as port 0.",
    tracepoints: ["tcp:tcp_probe"],
    metrics: [
      {
        name: "tcp_srtt",
        kind: "histogram",
        unit: "µs",
        title: "Smoothed RTT",
        description: "srtt of the connection when a segment arrived, by remote (destination) port; 0 = ephemeral ports.",
        labels: ["dport"],
      },
    ],
    summary: [
      { key: "p50Us", label: "p50 srtt", unit: "µs" },
      { key: "p99Us", label: "p99 srtt", unit: "µs" },
      { key: "samplesPerSecond", label: "samples", unit: "/s" },
    ],
  },
  syscalls: {
    name: "syscalls",
    title: "System calls",
    description:
      "System calls per second made by the benchmark's processes, by name. Every proxy hop adds reads, writes, " +
      "epoll waits and more per request: this shows how many and which.",
    kind: "rate",
    unit: "syscalls/s",
    scope: "processes",
    scoping: { pids: true, comms: true, ports: false },
    scopeNote: "Limited to the given pids and/or command names; host-wide (excluding bpftrace itself) when none are given.",
    tracepoints: ["raw_syscalls:sys_enter"],
    metrics: [
      {
        name: "syscalls",
        kind: "counter",
        unit: "syscalls",
        title: "Syscalls by name",
        description: "System calls entered, by syscall name (x86_64 numbering).",
        labels: ["syscall"],
      },
      {
        name: "syscalls_by_process",
        kind: "counter",
        unit: "syscalls",
        title: "Syscalls by process",
        description: "System calls entered, by process (pid) and thread name.",
        labels: ["pid", "comm"],
      },
    ],
    summary: [
      { key: "total", label: "syscalls", unit: "calls" },
      { key: "perSecond", label: "rate", unit: "/s" },
    ],
  },
  sched_switches: {
    name: "sched_switches",
    title: "Context switches",
    description:
      "How often the run's processes are switched off a CPU, split into voluntary (they blocked, e.g. waiting for " +
      "I/O) and involuntary (preempted while still runnable: CPU contention).",
    kind: "rate",
    unit: "switches/s",
    scope: "processes",
    scoping: { pids: true, comms: true, ports: false },
    scopeNote: "Limited to the given pids and/or command names; host-wide (excluding bpftrace itself) when none are given.",
    tracepoints: ["sched:sched_switch"],
    metrics: [
      {
        name: "context_switches",
        kind: "counter",
        unit: "switches",
        title: "Context switches",
        description: "Switches away from a thread of the process, by kind (voluntary | involuntary).",
        labels: ["pid", "comm", "kind"],
      },
    ],
    summary: [
      { key: "total", label: "context switches", unit: "switches" },
      { key: "perSecond", label: "rate", unit: "/s" },
      { key: "involuntaryPercent", label: "involuntary", unit: "%" },
    ],
  },
  tcp_connections: {
    name: "tcp_connections",
    title: "TCP connection churn",
    description:
      "TCP connections opened (outgoing connects and accepted ones) and closed per second. Proxies that do not " +
      "reuse connections pay a handshake per request; this makes that churn visible.",
    kind: "rate",
    unit: "connections/s",
    scope: "host",
    scoping: { pids: false, comms: false, ports: true },
    scopeNote: "Host-wide (state changes often happen in softirq context). Can be limited to connections using given ports.",
    tracepoints: ["sock:inet_sock_set_state"],
    metrics: [
      {
        name: "tcp_connections_opened",
        kind: "counter",
        unit: "connections",
        title: "Connections opened",
        description: "Connections reaching ESTABLISHED, by direction (active = connect(), passive = accepted) and service port.",
        labels: ["direction", "port"],
      },
      {
        name: "tcp_connections_closed",
        kind: "counter",
        unit: "connections",
        title: "Connections closed",
        description: "Sockets reaching CLOSE, by the state they left (SYN_SENT = failed connect, ESTABLISHED = abort/reset).",
        labels: ["from_state"],
      },
    ],
    summary: [
      { key: "openedPerSecond", label: "opened", unit: "/s" },
      { key: "closedPerSecond", label: "closed", unit: "/s" },
      { key: "failedConnects", label: "failed connects", unit: "connections" },
    ],
  },
  softirq: {
    name: "softirq",
    title: "Softirq time",
    description:
      "CPU time the kernel spends in soft interrupts, by kind. Network receive and transmit work (NET_RX, NET_TX) " +
      "runs here; every extra proxy hop on loopback or the node adds to it, and it is invisible to per-process CPU.",
    kind: "rate",
    unit: "µs/s",
    scope: "host",
    scoping: HOST,
    scopeNote: "Host-wide: softirqs run on behalf of the whole machine, not of a process.",
    tracepoints: ["irq:softirq_entry", "irq:softirq_exit"],
    metrics: [
      {
        name: "softirq_time",
        kind: "counter",
        unit: "µs",
        title: "Softirq time",
        description: "Time spent in softirq handlers, by vector (NET_RX, NET_TX, TIMER, ...).",
        labels: ["vector"],
      },
      {
        name: "softirqs",
        kind: "counter",
        unit: "softirqs",
        title: "Softirqs",
        description: "Softirq handler runs, by vector.",
        labels: ["vector"],
      },
    ],
    summary: [
      { key: "cpuPercent", label: "softirq CPU", unit: "% of one CPU" },
      { key: "netCpuPercent", label: "network softirq CPU", unit: "% of one CPU" },
      { key: "perSecond", label: "softirqs", unit: "/s" },
    ],
  },
};

// ---- results, as stored (ProbeResult.data / summary) and shown ----

export interface ProbeScope {
  /** True when the probe saw the whole host (by nature, or because no scope was given). */
  hostWide: boolean;
  pids: number[];
  comms: string[];
  ports: number[];
}

export interface ProbeInterval {
  /** Seconds since the probe attached. */
  startS: number;
  endS: number;
}

export type Labels = Record<string, string>;

/** One value per interval of ProbeRunData.intervals; null where nothing was measured (e.g. a percentile of no events). */
export interface ProbeSeries {
  metric: string;
  /** rate: events (or units) per second; p50/p99: percentile of the interval's histogram. */
  stat: "rate" | "p50" | "p99";
  labels: Labels;
  unit: string;
  values: (number | null)[];
}

export interface ProbeHistogram {
  metric: string;
  labels: Labels;
  unit: string;
  buckets: HistBucket[];
  count: number;
}

export interface ProbeTotal {
  metric: string;
  labels: Labels;
  /** Sum over the run, in the metric's unit. */
  value: number;
}

export interface ProbeRunData {
  intervals: ProbeInterval[];
  /** Per metric: the total (labels {}) and the top label combinations. */
  series: ProbeSeries[];
  /** End-of-run histograms: the total and one per label combination (top ones). */
  histograms: ProbeHistogram[];
  /** Run totals per label combination, largest first (top ones per metric), plus each metric's total. */
  totals: ProbeTotal[];
}

export interface ProbeDiagnostics {
  /** The exact bpftrace program that ran. */
  program: string;
  attachedProbes: number | null;
  lostEvents: number;
  helperErrors: number;
  /** Raw lines the parser did not understand (first few), with the reason. */
  unknownRecords: string[];
  /** bpftrace's stderr, last few KB, harmless RLIMIT_MEMLOCK notice removed. */
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

export interface ProbeOverhead {
  /** CPU (user + system) of the bpftrace process itself over the probe's life. */
  bpftraceCpuSeconds: number | null;
  /** Same, as a percentage of one CPU over the probing window. */
  bpftraceCpuPercent: number | null;
  /**
   * In-kernel run time of the probe's BPF programs (charged to the traced tasks, not to bpftrace);
   * only known when kernel.bpf_stats_enabled was on.
   */
  bpfRunTimeNs: number | null;
  bpfRunCount: number | null;
}

interface ProbeRunBase {
  probe: ProbeName;
  host: string;
  scope: ProbeScope;
  startedAt: Date;
  finishedAt: Date;
}

export interface ProbeRunUnavailable extends ProbeRunBase {
  available: false;
  /** Human reason, shown as "unavailable: <reason>". */
  reason: string;
  diagnostics: ProbeDiagnostics | null;
}

export interface ProbeRunMeasured extends ProbeRunBase {
  available: true;
  intervalSeconds: number;
  data: ProbeRunData;
  /** Keys as in PROBES[probe].summary; null when not measurable (e.g. a percentile of nothing). */
  summary: Record<string, number | null>;
  /** False when bpftrace ended early or the last interval was lost; the data is still real. */
  complete: boolean;
  warnings: string[];
  overhead: ProbeOverhead;
  diagnostics: ProbeDiagnostics;
}

export type ProbeRunResult = ProbeRunUnavailable | ProbeRunMeasured;
