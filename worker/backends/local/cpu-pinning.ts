import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  formatCpuList,
  type PinningPlan,
  type PinningSetting,
  parseCpuList,
  placementOf,
  planPinning,
} from "~/core/cpu-placement";
import type { RunPlacement } from "~/core/interference";

const run = promisify(execFile);

/**
 * Pins the benchmark (this worker process, so the load generator and every proxy and upstream it
 * starts afterwards, which inherit its affinity) to its own CPUs and moves every other process it
 * may to the rest, with taskset: no library sets another process's affinity from Node. The old
 * affinities are written to a file first, so a worker that dies mid-run has them restored by the
 * next one (restoreLeftoverAffinity at start-up).
 */

interface SavedAffinity {
  pid: number;
  /** /proc/<pid>/stat's start time: a pid reused by another process is not touched. */
  startTime: string;
  cpus: string;
}

/** Processes moved in parallel; each is one short taskset. */
const PARALLEL = 16;

export async function onlineCpus(): Promise<number[]> {
  const text = await readFile("/sys/devices/system/cpu/online", "utf8").catch(() => null);
  return (text && parseCpuList(text.trim())) || Array.from({ length: availableParallelism() }, (_, i) => i);
}

async function processInfo(pid: number): Promise<{ ppid: number; startTime: string; cpus: string } | null> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, "utf8"), readFile(`/proc/${pid}/status`, "utf8")]);
    // The command name may hold spaces and parentheses: fields are counted after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpus = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1];
    if (!cpus) return null;
    return { ppid: Number(fields[1]), startTime: fields[19] ?? "", cpus };
  } catch {
    return null; // gone meanwhile
  }
}

async function setAffinity(pid: number, cpus: string): Promise<boolean> {
  try {
    await run("taskset", ["-a", "-p", "-c", cpus, String(pid)]);
    return true;
  } catch {
    return false;
  }
}

async function inBatches<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL) out.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(f))));
  return out;
}

async function restoreSaved(saved: readonly SavedAffinity[]): Promise<void> {
  await inBatches(saved, async (s) => {
    const now = await processInfo(s.pid);
    if (now && now.startTime === s.startTime) await setAffinity(s.pid, s.cpus);
  });
}

export interface AppliedPinning {
  placement: RunPlacement;
  restore(): Promise<void>;
}

/** Pins as `setting` says, or records why the benchmark shares every CPU. Restore is idempotent. */
export async function pinBenchmark(setting: PinningSetting, stateDir: string): Promise<AppliedPinning> {
  const online = await onlineCpus();
  const plan = planPinning(setting, online);
  if (!plan) return { placement: placementOf(setting, online, null), restore: async () => undefined };
  const stateFile = path.join(stateDir, "cpu-affinity.json");
  await restoreLeftoverAffinity(stateDir);
  const saved = await othersToMove(plan);
  const self = await processInfo(process.pid);
  if (self) saved.push({ pid: process.pid, startTime: self.startTime, cpus: self.cpus });
  await writeFile(stateFile, JSON.stringify(saved));
  if (!(await setAffinity(process.pid, formatCpuList(plan.benchmarkCpus)))) {
    await rm(stateFile, { force: true });
    return { placement: placementOf(setting, online, null), restore: async () => undefined };
  }
  const others = formatCpuList(plan.otherCpus);
  const moved = await inBatches(
    saved.filter((s) => s.pid !== process.pid),
    (s) => setAffinity(s.pid, others),
  );
  const movedCount = moved.filter(Boolean).length;
  let restored: Promise<void> | null = null;
  return {
    placement: placementOf(setting, online, { plan, moved: movedCount, notMoved: moved.length - movedCount }),
    restore: () => {
      restored ??= restoreSaved(saved).then(() => rm(stateFile, { force: true }));
      return restored;
    },
  };
}

/** Every process but this one and the kernel's threads, with its affinity as it is now. */
async function othersToMove(plan: PinningPlan): Promise<SavedAffinity[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const infos = await inBatches(pids, async (pid) => ({ pid, info: await processInfo(pid) }));
  const kernelThreads = 2;
  return infos.flatMap(({ pid, info }) =>
    info && pid !== process.pid && pid !== kernelThreads && info.ppid !== kernelThreads && plan.otherCpus.length > 0
      ? [{ pid, startTime: info.startTime, cpus: info.cpus }]
      : [],
  );
}

/** Puts back the affinities a worker that died while pinned left confined. */
export async function restoreLeftoverAffinity(stateDir: string): Promise<number> {
  const stateFile = path.join(stateDir, "cpu-affinity.json");
  const text = await readFile(stateFile, "utf8").catch(() => null);
  if (text === null) return 0;
  let saved: SavedAffinity[] = [];
  try {
    saved = JSON.parse(text) as SavedAffinity[];
  } catch {
    // A file cut short by the crash: nothing in it can be trusted.
  }
  await restoreSaved(saved);
  await rm(stateFile, { force: true });
  return saved.length;
}
