/**
 * What else used the machine while a local benchmark measured: the CPU time of every process
 * outside the benchmark, by process name, and the time a hypervisor took from this VM (steal).
 * The worker measures it (worker/backends/local/interference-monitor.ts); this module only
 * describes and judges it, without I/O.
 */

/** CPU time of the processes of one name (comm) outside the benchmark, over the measured windows. */
export interface ProcessNameCpu {
  comm: string;
  cpuSeconds: number;
  /** How many distinct processes of that name used CPU. */
  processes: number;
}

/** Where the benchmark's processes ran: on dedicated cores or sharing all of them. */
export interface RunPlacement {
  cpuCount: number;
  isolated: boolean;
  /** CPU lists ("2-3") when the benchmark was pinned. */
  benchmarkCpus?: string;
  otherCpus?: string;
  /** One line for the run page, e.g. "2 cores: benchmark not isolated". */
  note: string;
}

/** BenchmarkRun.interference: summed over the run's measured windows. */
export interface RunInterference {
  /** Length of the measured windows observed, summed over repetitions. */
  windowSeconds: number;
  /** CPU time of every process outside the benchmark (the worker and its descendants). */
  outsideCpuSeconds: number;
  /** CPU time the hypervisor gave other guests; null where /proc/stat could not be read. */
  stealSeconds: number | null;
  /** The biggest outside consumers first; the rest are only in outsideCpuSeconds. */
  byName: ProcessNameCpu[];
  placement: RunPlacement;
}

/** CPU outside the benchmark above this many cores disturbs a two-core measurement visibly. */
export const OUTSIDE_CORES_WARNING = 0.25;
/** How many process names a run keeps and the page names. */
export const TOP_CONSUMERS = 8;
/** Smallest steal that counts: a tick or two is the clock's rounding, not a noisy neighbour. */
const STEAL_CORES_FLOOR = 0.005;

export interface InterferenceSummary {
  outsideCores: number;
  stealCores: number | null;
  top: { comm: string; cores: number; processes: number }[];
  /** Why the run's numbers may be disturbed; null when nothing notable ran beside it. */
  warning: string | null;
  placement: RunPlacement;
}

/** Fewer cores than this leaves none to set apart for the benchmark. */
export const MIN_CORES_TO_ISOLATE = 4;

/** The placement of a benchmark that runs unpinned on `cpuCount` cores. */
export function unpinnedPlacement(cpuCount: number): RunPlacement {
  const cores = `${cpuCount} core${cpuCount === 1 ? "" : "s"}`;
  return cpuCount < MIN_CORES_TO_ISOLATE
    ? { cpuCount, isolated: false, note: `${cores}: benchmark not isolated` }
    : { cpuCount, isolated: false, note: `${cores}: benchmark not pinned, so not isolated` };
}

/** Cores used outside the benchmark, the top consumers, and the warning rule. */
export function summarizeInterference(interference: RunInterference): InterferenceSummary {
  const seconds = interference.windowSeconds;
  const cores = (cpuSeconds: number) => (seconds > 0 ? cpuSeconds / seconds : 0);
  const outsideCores = cores(interference.outsideCpuSeconds);
  const stealCores = interference.stealSeconds === null ? null : cores(interference.stealSeconds);
  const top = [...interference.byName]
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .slice(0, TOP_CONSUMERS)
    .map((p) => ({ comm: p.comm, cores: cores(p.cpuSeconds), processes: p.processes }));
  const reasons: string[] = [];
  if (outsideCores > OUTSIDE_CORES_WARNING) {
    const named = top
      .slice(0, 3)
      .map((p) => `${p.comm} ${p.cores.toFixed(2)}`)
      .join(", ");
    reasons.push(`other processes used ${outsideCores.toFixed(2)} cores while it measured (${named})`);
  }
  if (stealCores !== null && stealCores >= STEAL_CORES_FLOOR) {
    reasons.push(`the hypervisor took ${stealCores.toFixed(2)} cores from this VM (steal time)`);
  }
  const warning = reasons.length === 0 ? null : `Numbers may be disturbed: ${reasons.join("; ")}.`;
  return { outsideCores, stealCores, top, warning, placement: interference.placement };
}

/** Two measurements of one run added up: windows, CPU and steal summed, names merged. */
export function addInterference(a: RunInterference, b: RunInterference): RunInterference {
  const byName = new Map<string, ProcessNameCpu>();
  for (const p of [...a.byName, ...b.byName]) {
    const known = byName.get(p.comm);
    byName.set(
      p.comm,
      known
        ? { comm: p.comm, cpuSeconds: known.cpuSeconds + p.cpuSeconds, processes: Math.max(known.processes, p.processes) }
        : p,
    );
  }
  return {
    windowSeconds: a.windowSeconds + b.windowSeconds,
    outsideCpuSeconds: a.outsideCpuSeconds + b.outsideCpuSeconds,
    stealSeconds: a.stealSeconds === null || b.stealSeconds === null ? null : a.stealSeconds + b.stealSeconds,
    byName: [...byName.values()].sort((x, y) => y.cpuSeconds - x.cpuSeconds),
    placement: b.placement,
  };
}

/** One run of a comparison, with what ran beside it (null: a cluster run or one never measured). */
export interface RunWithInterference {
  name: string;
  interference: RunInterference | null;
}

/**
 * Warns when a comparison's runs were disturbed unequally: the CPU outside the benchmark plus
 * steal differs between its quietest and its busiest run by more than the single-run warning's
 * threshold, so part of their difference may be the machine's, not the meshes'.
 */
export function interferenceDisparity(runs: readonly RunWithInterference[]): string | null {
  const measured = runs.flatMap((run) => {
    if (!run.interference || run.interference.windowSeconds <= 0) return [];
    const s = summarizeInterference(run.interference);
    return [{ name: run.name, cores: s.outsideCores + (s.stealCores ?? 0) }];
  });
  if (measured.length < 2) return null;
  const sorted = [...measured].sort((a, b) => a.cores - b.cores);
  const quietest = sorted[0];
  const busiest = sorted[sorted.length - 1];
  if (!quietest || !busiest || busiest.cores - quietest.cores <= OUTSIDE_CORES_WARNING) return null;
  return (
    `These runs were disturbed unequally: ${busiest.cores.toFixed(2)} cores went to other processes or steal during ` +
    `"${busiest.name}", ${quietest.cores.toFixed(2)} during "${quietest.name}". Part of their difference may be the machine's.`
  );
}
