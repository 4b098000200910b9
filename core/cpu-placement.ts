import { MIN_CORES_TO_ISOLATE, type RunPlacement, unpinnedPlacement } from "./interference";

/**
 * Where a local benchmark's processes run. "auto" sets CPUs apart on a machine with enough of
 * them; "off" never pins; an explicit CPU list (e.g. "2-3" or "1,3") pins there whatever the
 * machine, which is also how the tests exercise pinning on two cores.
 */
export type PinningSetting = { kind: "auto" } | { kind: "off" } | { kind: "cpus"; cpus: number[] };

export interface PinningPlan {
  benchmarkCpus: number[];
  otherCpus: number[];
}

/** "2-3", "1,3", "0-1,4": the CPU list syntax of taskset and cpusets. Null when it is not one. */
export function parseCpuList(text: string): number[] | null {
  const cpus = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!match) return null;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from || to - from > 4096) return null;
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

export function formatCpuList(cpus: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === (cpus[j] ?? 0) + 1) j++;
    ranges.push(i === j ? String(cpus[i]) : `${cpus[i]}-${cpus[j]}`);
    i = j + 1;
  }
  return ranges.join(",");
}

/** LOCAL_CPU_PINNING: "auto", "off" or a CPU list. */
export function parsePinningSetting(text: string): PinningSetting | null {
  if (text === "auto" || text === "off") return { kind: text };
  const cpus = parseCpuList(text);
  return cpus && cpus.length > 0 ? { kind: "cpus", cpus } : null;
}

/**
 * The CPUs for the benchmark and for everything else, or null when the benchmark shares them all.
 * "auto" gives the benchmark the upper half: the load generator, the proxies and the upstream
 * each get close to a core of their own at four, and the lower CPUs, where interrupts usually
 * land, stay with the rest.
 */
export function planPinning(setting: PinningSetting, online: readonly number[]): PinningPlan | null {
  if (setting.kind === "off") return null;
  if (setting.kind === "auto") {
    if (online.length < MIN_CORES_TO_ISOLATE) return null;
    const half = Math.floor(online.length / 2);
    return { benchmarkCpus: online.slice(half), otherCpus: online.slice(0, half) };
  }
  const benchmarkCpus = setting.cpus.filter((cpu) => online.includes(cpu));
  const otherCpus = online.filter((cpu) => !benchmarkCpus.includes(cpu));
  if (benchmarkCpus.length === 0 || otherCpus.length === 0) return null;
  return { benchmarkCpus, otherCpus };
}

/** What the run records and shows of where it ran. */
export function placementOf(
  setting: PinningSetting,
  online: readonly number[],
  applied: { plan: PinningPlan; moved: number; notMoved: number } | null,
): RunPlacement {
  if (!applied) {
    const base = unpinnedPlacement(online.length);
    if (setting.kind === "off") return { ...base, note: `${online.length} cores: pinning turned off (LOCAL_CPU_PINNING=off)` };
    if (setting.kind === "cpus")
      return { ...base, note: `${base.note}: LOCAL_CPU_PINNING=${formatCpuList(setting.cpus)} could not be applied here` };
    return base;
  }
  const { plan, moved, notMoved } = applied;
  const others = `${moved} other process${moved === 1 ? "" : "es"} moved to CPU ${formatCpuList(plan.otherCpus)}`;
  return {
    cpuCount: online.length,
    isolated: true,
    benchmarkCpus: formatCpuList(plan.benchmarkCpus),
    otherCpus: formatCpuList(plan.otherCpus),
    note: `benchmark pinned to CPU ${formatCpuList(plan.benchmarkCpus)} of ${online.length}; ${others}${notMoved > 0 ? ` (${notMoved} could not be moved, e.g. per-CPU kernel threads)` : ""}`,
  };
}
