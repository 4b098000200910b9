import { type ChildProcess, spawn } from "node:child_process";
import { descendantPids, isSameProcessAlive, readStat } from "./proc";

const TAIL_CHARS = 4_000;

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * A child process we started and must stop: keeps the tail of its output for error messages,
 * knows whether it has exited, and stops it (and anything it forked, like nginx workers) with
 * SIGTERM, then SIGKILL after a grace period.
 */
export class ManagedProcess {
  readonly pid: number;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  spawnError: Error | null = null;
  readonly exited: Promise<void>;

  private stderr = "";
  private stdout = "";
  private readonly stdoutWaiters: Array<() => void> = [];

  private constructor(
    readonly name: string,
    readonly commandLine: string,
    private readonly child: ChildProcess,
  ) {
    this.pid = child.pid ?? -1;
    this.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
        this.wakeStdout();
      });
      child.once("error", (error) => {
        // spawn failure (e.g. ENOENT): there will be no "exit" event
        this.spawnError = error;
        if (child.pid === undefined) resolve();
        this.wakeStdout();
      });
    });
    child.stderr?.setEncoding("utf8").on("data", (s: string) => {
      this.stderr = (this.stderr + s).slice(-TAIL_CHARS);
    });
    child.stdout?.setEncoding("utf8").on("data", (s: string) => {
      this.stdout = (this.stdout + s).slice(-TAIL_CHARS);
      this.wakeStdout();
    });
  }

  static spawn(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const proc = new ManagedProcess(name, [command, ...args].join(" "), child);
    if (child.pid === undefined && !proc.spawnError) proc.spawnError = new Error(`could not start ${command}`);
    return proc;
  }

  get hasExited(): boolean {
    return this.exitCode !== null || this.exitSignal !== null || this.spawnError !== null;
  }

  stderrTail(): string {
    return this.stderr.trim();
  }

  /** Human-readable reason it is gone, for an error message. */
  describeExit(): string {
    const how = this.spawnError
      ? `could not be started (${this.spawnError.message})`
      : this.exitSignal
        ? `was killed by ${this.exitSignal}`
        : `exited with code ${this.exitCode}`;
    const tail = this.stderrTail() || this.stdout.trim();
    return `${this.name} ${how}${tail ? `: ${tail.slice(-1_500)}` : " (no output)"}`;
  }

  /** Wait until stdout has a complete first line (or the process dies / time runs out). */
  async firstStdoutLine(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = this.stdout.indexOf("\n");
      if (nl >= 0) return this.stdout.slice(0, nl);
      if (this.hasExited) throw new Error(this.describeExit());
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${this.name} printed nothing within ${timeoutMs} ms${this.stderr ? `: ${this.stderrTail()}` : ""}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.stdoutWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wakeStdout(): void {
    for (const w of this.stdoutWaiters.splice(0)) w();
  }

  /**
   * SIGTERM, wait up to `graceMs`, then SIGKILL the process and every descendant still alive.
   * Descendants are listed before the SIGTERM: once a master dies its workers are re-parented
   * to init and could no longer be found through it.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.pid < 0 || this.hasExited) return;
    const family = await this.family();
    this.signal("SIGTERM");
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), graceMs)),
    ]);
    if (timedOut) this.signal("SIGKILL");
    // Children outlive a killed parent; also give well-behaved ones the grace to exit after a clean stop.
    const deadline = Date.now() + (timedOut ? 0 : graceMs);
    for (const p of family) {
      while ((await isSameProcessAlive(p.pid, p.startTime)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (await isSameProcessAlive(p.pid, p.startTime)) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await this.exited;
    // SIGKILL is delivered asynchronously: "stopped" must mean gone, so wait (briefly) for it.
    const killDeadline = Date.now() + 1_000;
    for (const p of family) {
      while ((await isSameProcessAlive(p.pid, p.startTime)) && Date.now() < killDeadline)
        await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Descendants with their start times, so a later kill can never hit a reused pid. */
  async family(): Promise<Array<{ pid: number; startTime: number }>> {
    const out: Array<{ pid: number; startTime: number }> = [];
    for (const pid of await descendantPids(this.pid)) {
      const stat = await readStat(pid);
      if (stat) out.push({ pid, startTime: stat.startTime });
    }
    return out;
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      this.child.kill(sig);
    } catch {
      // already exited
    }
  }
}
