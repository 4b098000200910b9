import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { clockTicksPerSecond } from "~/worker/backends/local/proc";
import { CpuPoller } from "./proc-cpu";
import { runCommand } from "./spawn";
import { parseWrkOutput, type WrkOutput } from "./wrk-output";

export const WRK_BIN = process.env.MESHBENCH_WRK ?? "/usr/bin/wrk";

export interface WrkRun {
  url: string;
  threads: number;
  connections: number;
  durationSeconds: number;
  /** Lua source; written next to the bench's other runtime files. */
  script?: string;
  scriptDir: string;
  /** Per-request timeout; wrk's default is 2 s. */
  timeoutSeconds?: number;
  /** Called with wrk's pid right after it starts (e.g. to schedule a stall). */
  onStart?: (pid: number) => void;
}

export interface WrkRunResult {
  output: WrkOutput;
  /** CPU time of wrk (all threads), ms; null if it could not be read. */
  cpuMs: number | null;
  wallStartMs: number;
  wallEndMs: number;
}

let scriptSeq = 0;

export async function runWrk(run: WrkRun): Promise<WrkRunResult> {
  const args = [
    `-t${run.threads}`,
    `-c${run.connections}`,
    `-d${Math.max(1, Math.round(run.durationSeconds))}s`,
    `--timeout`,
    `${run.timeoutSeconds ?? 10}s`,
    "--latency",
  ];
  let scriptFile: string | undefined;
  if (run.script !== undefined) {
    scriptFile = path.join(run.scriptDir, `wrk-${process.pid}-${++scriptSeq}.lua`);
    await writeFile(scriptFile, run.script);
    args.push("-s", scriptFile);
  }
  args.push(run.url);
  let poller: CpuPoller | undefined;
  const wallStartMs = Date.now();
  const done = await runCommand(WRK_BIN, args, {
    timeoutMs: (run.durationSeconds + 30) * 1000,
    onSpawn: (child) => {
      if (child.pid === undefined) return;
      poller = new CpuPoller(child.pid, clockTicksPerSecond());
      run.onStart?.(child.pid);
    },
  }).finally(() => (scriptFile ? rm(scriptFile, { force: true }) : undefined));
  const cpuMs = poller?.stop() ?? null;
  if (done.code !== 0) throw new Error(`wrk exited ${done.code ?? done.signal}: ${done.stderr.trim().slice(0, 300)}`);
  return { output: parseWrkOutput(done.stdout), cpuMs, wallStartMs, wallEndMs: Date.now() };
}
