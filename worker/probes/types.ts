import type { HistBucket } from "~/core/parsers/bpftrace";
import type { Labels, ProbeMeta, ProbeName, ProbeScope } from "~/core/probes";
import type { RunAggregate } from "./aggregate";
import type { IntervalMaps } from "./intervals";

/** What a caller may ask a probe to look at; validated by resolveScope. */
export interface ProbeScopeInput {
  pids?: readonly number[];
  comms?: readonly string[];
  ports?: readonly number[];
}

/** The probe-specific part of a bpftrace program; program.ts wraps it with the interval plumbing. */
export interface ProgramParts {
  /** Probe clauses on tracepoints. */
  body: string;
  /** Maps printed and cleared every interval: the probe's output. */
  printed: readonly string[];
  /** Maps carrying state between events (timestamps): cleared at exit so they are never dumped. */
  scratch: readonly string[];
  /** BPFTRACE_MAP_KEYS_MAX when bpftrace's default (4096) is too small for the program's maps. */
  mapKeysMax?: number;
}

export interface SampleCounter {
  metric: string;
  labels: Labels;
  /** Amount counted during the interval, in the metric's unit. */
  value: number;
}

export interface SampleHistogram {
  metric: string;
  labels: Labels;
  buckets: HistBucket[];
}

export interface InterpretContext {
  /** Machine the probe ran on; syscall numbers are only named for x86_64. */
  arch: string;
}

export interface ProbeDefinition {
  meta: ProbeMeta;
  program(scope: ProbeScope): ProgramParts;
  interpret(maps: IntervalMaps, ctx: InterpretContext): { counters: SampleCounter[]; histograms: SampleHistogram[] };
  /** Summary figures keyed as meta.summary declares. */
  summarize(agg: RunAggregate): Record<string, number | null>;
}

/** One interval of live data, as handed to onSample (e.g. for Prometheus). */
export interface ProbeSample {
  probe: ProbeName;
  index: number;
  /** Seconds since the probe attached. */
  startS: number;
  endS: number;
  /** The last, possibly shorter, interval flushed when the probe stopped. */
  final: boolean;
  counters: (SampleCounter & { perSecond: number })[];
  histograms: SampleHistogram[];
}
