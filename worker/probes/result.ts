import type { ProbeDiagnostics, ProbeName, ProbeRunMeasured, ProbeRunResult, ProbeScope } from "~/core/probes";
import { PROBE_DEFINITIONS } from "./catalog";
import type { ProbeCollector } from "./collect";

/** Turning what a bpftrace session produced into the stored ProbeRunResult. Pure. */
export interface ResultBase {
  probe: ProbeName;
  host: string;
  scope: ProbeScope;
  startedAt: Date;
}

export function unavailableResult(base: ResultBase, reason: string, diagnostics: ProbeDiagnostics | null = null): ProbeRunResult {
  return { ...base, finishedAt: new Date(), available: false, reason, diagnostics };
}

export interface SessionOutcome {
  intervalSeconds: number;
  /** True when bpftrace was still running when stop() was called. */
  stoppedByUs: boolean;
  exitCode: number | null;
  /** Why bpftrace ended, when it was not us. */
  failure: string;
  cpuSeconds: number | null;
  /** Wall time the CPU figure covers: from attach to stop. */
  cpuWindowS: number;
  bpf: { runTimeNs: number; runCount: number } | null;
  warnings: string[];
  diagnostics: ProbeDiagnostics;
}

export function measuredResult(base: ResultBase, collector: ProbeCollector, outcome: SessionOutcome): ProbeRunMeasured {
  const agg = collector.aggregate();
  const warnings = [...collector.warnings, ...outcome.warnings];
  // bpftrace exiting by itself is fine only when its own deadline (maxSeconds) made it exit.
  const ended = collector.stats.ended;
  const selfStopped = !outcome.stoppedByUs && ended && outcome.exitCode === 0;
  const complete = ended && (outcome.stoppedByUs || selfStopped);
  if (selfStopped) warnings.push("bpftrace reached its own deadline (maxSeconds) before it was stopped");
  else if (!complete) warnings.push(`bpftrace ended before it was stopped: ${outcome.failure}`);
  if (outcome.diagnostics.lostEvents > 0)
    warnings.push(`bpftrace lost ${outcome.diagnostics.lostEvents} events (perf buffer full)`);
  const { cpuSeconds, cpuWindowS } = outcome;
  return {
    ...base,
    finishedAt: new Date(),
    available: true,
    intervalSeconds: outcome.intervalSeconds,
    data: agg.data,
    summary: PROBE_DEFINITIONS[base.probe].summarize(agg),
    complete,
    warnings,
    overhead: {
      bpftraceCpuSeconds: cpuSeconds,
      bpftraceCpuPercent: cpuSeconds !== null && cpuWindowS > 0 ? Math.round((10_000 * cpuSeconds) / cpuWindowS) / 100 : null,
      bpfRunTimeNs: outcome.bpf?.runTimeNs ?? null,
      bpfRunCount: outcome.bpf?.runCount ?? null,
    },
    diagnostics: outcome.diagnostics,
  };
}
