import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { workerExitsDir } from "./worker-state";

/**
 * How a worker process ended, as `npm start`'s supervisor (scripts/lib.sh) records it: a file
 * named after the dead worker's pid holding "SIGKILL" (the signal that killed it) or "exit code 1".
 * Only the supervisor knows: a process killed by a signal cannot say so itself.
 */
const RECORD = /^(SIG[A-Z0-9]+|exit code \d{1,3})$/;

/** Records this old belong to workers whose rows were settled long ago (or that held none). */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** The error a row held by the dead worker `pid` ends with. */
export async function describeWorkerDeath(pid: number): Promise<string> {
  const how = (await readFile(path.join(workerExitsDir(), String(pid)), "utf8").catch(() => "")).trim();
  return RECORD.test(how) ? `worker process died (${how})` : "worker process died";
}

/** Drops the records of workers whose rows were just settled, and any stale ones. */
export async function forgetWorkerExits(settledPids: Iterable<number>): Promise<void> {
  const dir = workerExitsDir();
  const settled = new Set([...settledPids].map(String));
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const old = await stat(file).then(
      (s) => Date.now() - s.mtimeMs > KEEP_MS,
      () => false,
    );
    if (settled.has(name) || old) await rm(file, { force: true });
  }
}
