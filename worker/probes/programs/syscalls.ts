import { PROBES } from "~/core/probes";
import { processPredicate } from "../scope";
import { metricTotal, perSecond } from "../summary-helpers";
import { syscallName } from "../syscall-table-x86_64";
import type { ProbeDefinition, SampleCounter } from "../types";
import { countEntries, restOf } from "./read-maps";

/**
 * Syscalls of the run's processes from raw_syscalls:sys_enter (one tracepoint instead of ~350
 * sys_enter_* ones; bpftrace 0.17 cannot even compile the sys_enter_* wildcard on this kernel).
 * One map keyed [pid, id, comm] feeds both "by name" and "by process".
 */
export const syscalls: ProbeDefinition = {
  meta: PROBES.syscalls,
  program(scope) {
    return {
      body: `
tracepoint:raw_syscalls:sys_enter /${processPredicate(scope)}/ {
  @syscalls[pid, args->id, comm] = count();
}`,
      printed: ["@syscalls"],
      scratch: [],
      // Host-wide, processes × syscalls can pass bpftrace's default of 4096 keys.
      mapKeysMax: scope.hostWide ? 16_384 : undefined,
    };
  },
  interpret(maps, ctx) {
    const byName = new Map<string, number>();
    const byProcess = new Map<string, { pid: string; comm: string; value: number }>();
    for (const e of countEntries(maps, "@syscalls")) {
      const [pid = "", id = ""] = e.parts;
      const name = ctx.arch === "x86_64" ? syscallName(Number(id)) : `syscall_${id}`;
      byName.set(name, (byName.get(name) ?? 0) + e.value);
      const comm = restOf(e.parts, 2);
      const key = `${pid}\0${comm}`;
      const seen = byProcess.get(key);
      if (seen) seen.value += e.value;
      else byProcess.set(key, { pid, comm, value: e.value });
    }
    const counters: SampleCounter[] = [
      ...[...byName].map(([syscall, value]) => ({ metric: "syscalls", labels: { syscall }, value })),
      ...[...byProcess.values()].map(({ pid, comm, value }) => ({ metric: "syscalls_by_process", labels: { pid, comm }, value })),
    ];
    return { counters, histograms: [] };
  },
  summarize(agg) {
    const total = metricTotal(agg, "syscalls");
    return { total, perSecond: perSecond(total, agg.durationS) };
  },
};
