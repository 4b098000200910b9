import { isSameProcessAlive, readStat } from "../backends/local/proc";

/** A process as files under var/ name it: pid and start time, which together survive pid reuse. */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

let ownStartTime: number | undefined;

export async function thisProcess(): Promise<ProcessIdentity> {
  ownStartTime ??= (await readStat(process.pid))?.startTime ?? -1;
  return { pid: process.pid, startTime: ownStartTime };
}

/** True once the process is gone (or its pid belongs to another process now). */
export async function isGone(p: ProcessIdentity): Promise<boolean> {
  return !(await isSameProcessAlive(p.pid, p.startTime));
}
