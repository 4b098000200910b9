import { createLineSplitter, parseBpftraceLine } from "~/core/parsers/bpftrace";
import type { ProbeName } from "~/core/probes";
import { ProbeAggregator, type RunAggregate } from "./aggregate";
import { PROBE_DEFINITIONS } from "./catalog";
import { IntervalAssembler, type RawInterval, type StreamStats } from "./intervals";
import type { InterpretContext, ProbeSample } from "./types";

/**
 * bpftrace stdout → typed per-interval samples → run aggregate, for one probe. Pure: the runner
 * pushes live chunks, the Kubernetes backend can push a pod's log (collectProbeLog).
 */
export interface CollectorOptions {
  intervalSeconds: number;
  /** Architecture of the traced machine (syscall numbering); default x86_64. */
  arch?: string;
  onSample?: (sample: ProbeSample) => void;
  /** Where to report output the parser did not understand (kept in the result either way). */
  log?: (message: string) => void;
}

export class ProbeCollector {
  readonly warnings: string[] = [];
  private readonly splitter = createLineSplitter();
  private readonly assembler: IntervalAssembler;
  private readonly aggregator: ProbeAggregator;
  private readonly ctx: InterpretContext;
  private beginNs: number | null = null;
  private onAttach: (() => void) | null = null;

  constructor(
    readonly probe: ProbeName,
    private readonly options: CollectorOptions,
  ) {
    const intervalNs = options.intervalSeconds * 1e9;
    this.assembler = new IntervalAssembler(
      intervalNs,
      (raw) => this.interval(raw),
      (description) => options.log?.(`${probe}: unrecognised bpftrace output (${description})`),
    );
    this.aggregator = new ProbeAggregator(PROBE_DEFINITIONS[probe].meta);
    this.ctx = { arch: options.arch ?? "x86_64" };
  }

  get stats(): StreamStats {
    return this.assembler.stats;
  }

  /** Calls back once, when the program's BEGIN marker arrives (the probes are attaching). */
  whenAttached(callback: () => void): void {
    if (this.assembler.stats.begun) callback();
    else this.onAttach = callback;
  }

  push(chunk: string): void {
    for (const line of this.splitter.push(chunk)) this.line(line);
  }

  finish(): void {
    for (const line of this.splitter.flush()) this.line(line);
  }

  aggregate(): RunAggregate {
    return this.aggregator.result();
  }

  get intervalCount(): number {
    return this.aggregator.intervalCount;
  }

  private line(line: string): void {
    const record = parseBpftraceLine(line);
    if (!record) return;
    const wasBegun = this.assembler.stats.begun;
    this.assembler.push(record);
    if (!wasBegun && this.assembler.stats.begun) {
      this.onAttach?.();
      this.onAttach = null;
    }
  }

  private interval(raw: RawInterval): void {
    this.beginNs ??= raw.startNs;
    const definition = PROBE_DEFINITIONS[this.probe];
    try {
      const { counters, histograms } = definition.interpret(raw.maps, this.ctx);
      const durationS = (raw.endNs - raw.startNs) / 1e9;
      const sample: ProbeSample = {
        probe: this.probe,
        index: raw.index,
        startS: (raw.startNs - this.beginNs) / 1e9,
        endS: (raw.endNs - this.beginNs) / 1e9,
        final: raw.final,
        counters: counters.map((c) => ({ ...c, perSecond: durationS > 0 ? c.value / durationS : 0 })),
        histograms,
      };
      this.aggregator.add(sample);
      this.options.onSample?.(sample);
    } catch (error) {
      // A bug in one interval's interpretation or in a listener must not end the probe.
      if (this.warnings.length < 10)
        this.warnings.push(`interval ${raw.index}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** A whole recorded output (a pod log, a fixture) at once. */
export function collectProbeLog(probe: ProbeName, text: string, options: CollectorOptions): ProbeCollector {
  const collector = new ProbeCollector(probe, options);
  collector.push(text);
  collector.finish();
  return collector;
}
