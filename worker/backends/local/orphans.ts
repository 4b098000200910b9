import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_RUN_ROOT } from "./paths";
import { type RecordedProcess, readOwnerFile, readPidFiles } from "./pid-files";
import { isSameProcessAlive, readCmdline } from "./proc";

const TERM_GRACE_MS = 2_000;

/** Still the very process we started: same start time, and its command line still says so. */
async function stillOurs(p: RecordedProcess): Promise<boolean> {
  if (!(await isSameProcessAlive(p.pid, p.startTime))) return false;
  const cmdline = await readCmdline(p.pid);
  return cmdline?.includes(p.cmdlineMatch) ?? false;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/**
 * Stop processes left behind by a worker that died mid-run, and remove their run dirs.
 * Called at worker start-up. A run dir whose owner (the worker that created it) is still alive
 * is left alone: another worker on this machine may be running it. Returns how many processes
 * were signalled.
 */
export async function reapOrphans(runRoot: string = DEFAULT_RUN_ROOT): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(runRoot);
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const entry of entries) {
    const n = await reapRunDir(path.join(runRoot, entry));
    if (n !== null) reaped += n;
  }
  return reaped;
}

/**
 * Reap one run dir unless its owner is alive: stop the recorded processes that are provably
 * still ours, then remove the dir. Returns how many were signalled, or null when the dir belongs
 * to a live worker and was left alone.
 */
export async function reapRunDir(dir: string): Promise<number | null> {
  const owner = await readOwnerFile(dir);
  if (owner && (await isSameProcessAlive(owner.pid, owner.startTime))) return null;
  const stopped = await stopRecordedProcesses(dir);
  await rm(dir, { recursive: true, force: true });
  return stopped;
}

/**
 * Stop every process recorded in a run dir that is provably still ours (SIGTERM, then SIGKILL
 * after a grace). Also the backend's last line of defence: an nginx worker whose master died
 * is no longer anyone's child, but it is still in the pid files. Returns how many were signalled.
 */
export async function stopRecordedProcesses(dir: string, graceMs = TERM_GRACE_MS): Promise<number> {
  const victims: RecordedProcess[] = [];
  for (const p of await readPidFiles(dir)) if (await stillOurs(p)) victims.push(p);
  for (const p of victims) kill(p.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  for (const p of victims) {
    while (Date.now() < deadline && (await isSameProcessAlive(p.pid, p.startTime))) await new Promise((r) => setTimeout(r, 25));
    if (await isSameProcessAlive(p.pid, p.startTime)) kill(p.pid, "SIGKILL");
  }
  return victims.length;
}
