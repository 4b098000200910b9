import { execFile } from "node:child_process";
import { access, constants, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

/**
 * Can this machine run MeshBench's bpftrace probes right now? Checks what bpftrace needs, mounts
 * tracefs/debugfs when it is root and they are missing, and otherwise says in one sentence what is
 * wrong and how to fix it. It never pretends: "available" only means the prerequisites are there;
 * bpftrace itself can still fail, and the runner reports that as its own reason.
 */
const run = promisify(execFile);

export type Capability =
  | { available: true; bpftracePath: string; bpftraceVersion: string; tracefs: string; warnings: string[] }
  | { available: false; reason: string };

export interface CapabilityOptions {
  /** Environment whose PATH is searched for bpftrace (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Tracepoints the probe attaches to ("sched:sched_switch"); each must exist in this kernel. */
  tracepoints?: readonly string[];
  /** Mount tracefs/debugfs when missing (default true; only possible as root). */
  mount?: boolean;
}

const TRACEFS = "/sys/kernel/tracing";
const DEBUGFS = "/sys/kernel/debug";
const BTF = "/sys/kernel/btf/vmlinux";

export async function detectCapabilities(options: CapabilityOptions = {}): Promise<Capability> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const warnings: string[] = [];

  const bpftracePath = await findOnPath("bpftrace", env.PATH ?? "");
  let bpftraceVersion = "";
  if (!bpftracePath) {
    problems.push(
      `bpftrace is not installed (not found on PATH "${env.PATH ?? ""}"; on Debian/Ubuntu: apt-get install bpftrace)`,
    );
  } else {
    try {
      bpftraceVersion = (await run(bpftracePath, ["--version"], { env, timeout: 10_000 })).stdout.trim();
    } catch (error) {
      problems.push(`bpftrace at ${bpftracePath} does not run: ${message(error)}`);
    }
  }

  const root = process.geteuid?.() === 0;
  if (!root) problems.push(`eBPF tracing needs root and the worker runs as uid ${process.geteuid?.() ?? "unknown"}`);

  const lockdown = await readText("/sys/kernel/security/lockdown");
  if (lockdown?.includes("[confidentiality]"))
    problems.push("the kernel is in lockdown (confidentiality), which forbids tracing");

  const mayMount = root && options.mount !== false;
  let tracefs = await tracefsMount();
  let mountError: string | null = null;
  if (!tracefs && mayMount) {
    mountError = await mount("tracefs", TRACEFS, env);
    tracefs = await tracefsMount();
  }
  // bpftrace falls back to debugfs' tracing directory, and kfunc probes need debugfs: nice to have.
  if (mayMount && !(await mountedAt(DEBUGFS, "debugfs"))) {
    const error = await mount("debugfs", DEBUGFS, env);
    if (error) warnings.push(error);
  }
  if (!tracefs) {
    const fix = `as root: mountpoint -q ${TRACEFS} || mount -t tracefs nodev ${TRACEFS}`;
    problems.push(`tracefs is not mounted (${mountError ? `${mountError}; ` : ""}${fix})`);
  } else {
    const missing: string[] = [];
    for (const tp of options.tracepoints ?? []) {
      const [category = "", name = ""] = tp.split(":");
      if (!(await exists(path.join(tracefs, "events", category, name)))) missing.push(tp);
    }
    if (missing.length > 0) problems.push(`this kernel has no tracepoint ${missing.join(", ")}`);
  }

  // MeshBench's programs read tracepoint fields, described by tracefs, so BTF is not required;
  // without it bpftrace needs kernel headers for anything that reads kernel structs.
  if (!(await exists(BTF)))
    warnings.push(`no kernel BTF at ${BTF}: tracepoint probes work, struct access would need kernel headers`);

  if (problems.length > 0 || !bpftracePath || !tracefs) return { available: false, reason: problems.join("; ") };
  return { available: true, bpftracePath, bpftraceVersion, tracefs, warnings };
}

async function findOnPath(command: string, searchPath: string): Promise<string | null> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return null;
}

/** Where tracefs is usable: its own mount, or the tracing directory of a mounted debugfs. */
async function tracefsMount(): Promise<string | null> {
  if (await mountedAt(TRACEFS, "tracefs")) return TRACEFS;
  if (await mountedAt(`${DEBUGFS}/tracing`, "tracefs")) return `${DEBUGFS}/tracing`;
  return null;
}

async function mountedAt(mountPoint: string, fsType: string): Promise<boolean> {
  const mounts = (await readText("/proc/self/mounts")) ?? "";
  return mounts.split("\n").some((line) => {
    const [, where, type] = line.split(" ");
    return where === mountPoint && type === fsType;
  });
}

/** Mounts a pseudo filesystem; returns what went wrong, or null. */
async function mount(fsType: string, mountPoint: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  // mount(8) usually lives in /usr/bin or /bin, which a trimmed PATH may lack.
  const searchPath = [env.PATH ?? "", "/usr/bin", "/bin", "/usr/sbin", "/sbin"].join(path.delimiter);
  const mountBin = await findOnPath("mount", searchPath);
  if (!mountBin) return `${fsType} is not mounted at ${mountPoint} and mount(8) was not found`;
  try {
    await run(mountBin, ["-t", fsType, "nodev", mountPoint], { timeout: 10_000 });
    return null;
  } catch (error) {
    return `mounting ${fsType} at ${mountPoint} failed: ${message(error)}`;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function readText(p: string): Promise<string | null> {
  try {
    return await readFile(p, "utf8");
  } catch {
    return null;
  }
}

function message(error: unknown): string {
  if (error && typeof error === "object" && "stderr" in error && typeof error.stderr === "string" && error.stderr.trim()) {
    return error.stderr.trim().split("\n").slice(-3).join(" ");
  }
  return error instanceof Error ? error.message : String(error);
}
