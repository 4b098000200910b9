import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { readStat } from "./proc";

/**
 * What a crashed worker leaves behind must be findable and safely killable by the next one.
 * Every process we start is written down with its start time (pid + start time survive pid reuse)
 * and a piece of text its /proc cmdline must contain; the run dir also names its owner (the
 * worker process), so a live worker's run is never mistaken for an orphan.
 */
export interface RecordedProcess {
  pid: number;
  startTime: number;
  /** Substring the process's /proc/<pid>/cmdline must contain for us to kill it. */
  cmdlineMatch: string;
}

export interface PidFile {
  component: string;
  processes: RecordedProcess[];
}

export interface OwnerFile {
  pid: number;
  startTime: number;
}

const PID_DIR = "pids";
const OWNER_FILE = "owner.json";

export async function writeOwnerFile(runDir: string): Promise<void> {
  const stat = await readStat(process.pid);
  const owner: OwnerFile = { pid: process.pid, startTime: stat?.startTime ?? -1 };
  await writeFile(path.join(runDir, OWNER_FILE), JSON.stringify(owner));
}

export async function readOwnerFile(runDir: string): Promise<OwnerFile | null> {
  try {
    const v: unknown = JSON.parse(await readFile(path.join(runDir, OWNER_FILE), "utf8"));
    if (
      typeof v === "object" &&
      v !== null &&
      "pid" in v &&
      "startTime" in v &&
      typeof v.pid === "number" &&
      typeof v.startTime === "number"
    ) {
      return { pid: v.pid, startTime: v.startTime };
    }
  } catch {
    // missing or torn: treated as "owner unknown"
  }
  return null;
}

export async function writePidFile(runDir: string, file: PidFile): Promise<void> {
  await mkdir(path.join(runDir, PID_DIR), { recursive: true });
  await writeFile(path.join(runDir, PID_DIR, `${file.component}.json`), JSON.stringify(file));
}

function isRecordedProcess(v: unknown): v is RecordedProcess {
  return (
    typeof v === "object" &&
    v !== null &&
    "pid" in v &&
    "startTime" in v &&
    "cmdlineMatch" in v &&
    typeof v.pid === "number" &&
    typeof v.startTime === "number" &&
    typeof v.cmdlineMatch === "string"
  );
}

/** Every process recorded in a run dir; unreadable files are skipped (nothing we could verify). */
export async function readPidFiles(runDir: string): Promise<RecordedProcess[]> {
  let names: string[];
  try {
    names = await readdir(path.join(runDir, PID_DIR));
  } catch {
    return [];
  }
  const out: RecordedProcess[] = [];
  for (const name of names.filter((n) => n.endsWith(".json"))) {
    try {
      const v: unknown = JSON.parse(await readFile(path.join(runDir, PID_DIR, name), "utf8"));
      const list =
        typeof v === "object" && v !== null && "processes" in v && Array.isArray(v.processes) ? (v.processes as unknown[]) : [];
      out.push(...list.filter(isRecordedProcess));
    } catch {
      // torn write from a crash: skip
    }
  }
  return out;
}
