import { type ChildProcess, spawn } from "node:child_process";
import type { ProbeDiagnostics } from "~/core/probes";
import type { BuiltProgram } from "./build";
import { ProbeCollector } from "./collect";
import { bpfProgramStats, bpfStatsEnabled, processCpuSeconds } from "./overhead";
import type { SessionOutcome } from "./result";
import type { ProbeSample } from "./types";

const STDERR_KEEP = 8 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface SessionOptions {
  intervalSeconds?: number;
  onSample?: (sample: ProbeSample) => void;
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** One bpftrace child process, its output streamed into a collector, and how to stop it. */
export class BpftraceSession {
  readonly collector: ProbeCollector;
  readonly exited: Promise<void>;
  hasExited = false;
  private readonly child: ChildProcess;
  private stderr = "";
  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private spawnError: string | null = null;
  private attachedAt: { wallMs: number; cpuSeconds: number | null } | null = null;
  /** Set when bpftrace was still compiling or attaching when we gave up on it. */
  private attachTimeoutMs: number | null = null;

  private readonly intervalSeconds: number;

  constructor(
    bpftracePath: string,
    private readonly built: BuiltProgram,
    options: SessionOptions,
  ) {
    this.intervalSeconds = options.intervalSeconds ?? 1;
    this.collector = new ProbeCollector(built.probe, {
      intervalSeconds: this.intervalSeconds,
      arch: archName(),
      onSample: options.onSample,
      log: options.log,
    });
    this.child = spawn(bpftracePath, ["-f", "json", "-e", built.program], {
      env: { ...(options.env ?? process.env), ...built.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    track(this.child);
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => this.collector.push(chunk));
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    this.exited = new Promise<void>((resolve) => {
      const finish = () => {
        if (this.hasExited) return;
        this.hasExited = true;
        live.delete(this.child);
        resolve();
      };
      // "close" (not "exit") so stdout has been read to the end.
      this.child.on("close", (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        finish();
      });
      this.child.on("error", (error) => {
        this.spawnError = error.message;
        finish();
      });
    });
  }

  /** Waits for the BEGIN marker; false when bpftrace exited or the timeout passed first. */
  async attached(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      new Promise<boolean>((resolve) => this.collector.whenAttached(() => resolve(true))),
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (ok && !this.hasExited) {
      this.attachedAt = { wallMs: Date.now(), cpuSeconds: this.child.pid ? await processCpuSeconds(this.child.pid) : null };
      return true;
    }
    if (!this.hasExited) this.attachTimeoutMs = timeoutMs;
    return false;
  }

  async stop(graceMs: number): Promise<SessionOutcome> {
    const warnings: string[] = [];
    const stoppedByUs = !this.hasExited;
    let cpuSeconds: number | null = null;
    let bpf: SessionOutcome["bpf"] = null;
    const pid = this.child.pid;
    if (stoppedByUs && pid) {
      // Read before stopping: /proc/<pid> is gone once it exits.
      const cpuNow = await processCpuSeconds(pid);
      const atAttach = this.attachedAt?.cpuSeconds;
      cpuSeconds =
        cpuNow !== null && atAttach !== null && atAttach !== undefined ? Math.round((cpuNow - atAttach) * 1000) / 1000 : null;
      // fdinfo shows run_time_ns 0 when statistics are off: that is unknown, not free.
      bpf = (await bpfStatsEnabled()) ? await bpfProgramStats(pid) : null;
    }
    const cpuWindowS = this.attachedAt ? (Date.now() - this.attachedAt.wallMs) / 1000 : 0;
    if (!this.hasExited) {
      this.child.kill("SIGINT");
      if (!(await this.waitExit(graceMs))) {
        warnings.push(`bpftrace did not stop within ${graceMs} ms of SIGINT; killed`);
        this.child.kill("SIGKILL");
        await this.waitExit(5_000);
      }
    }
    this.collector.finish();
    return {
      intervalSeconds: this.intervalSeconds,
      stoppedByUs,
      exitCode: this.exitCode,
      failure: this.failure(),
      cpuSeconds,
      cpuWindowS,
      bpf,
      warnings,
      diagnostics: this.diagnostics(),
    };
  }

  private async waitExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
    clearTimeout(timer);
    return done;
  }

  /** Why bpftrace did not deliver: its ERROR lines, else its exit status. */
  private failure(): string {
    if (this.spawnError) return `bpftrace could not be started: ${this.spawnError}`;
    if (this.attachTimeoutMs !== null) return `bpftrace did not attach within ${this.attachTimeoutMs} ms`;
    const errors = cleanStderr(this.stderr)
      .split("\n")
      .filter((l) => /error|fail|not found|denied|not permitted/i.test(l))
      .slice(-3);
    const status = this.exitSignal
      ? `killed by ${this.exitSignal}`
      : this.exitCode !== null
        ? `exit code ${this.exitCode}`
        : "still running";
    return errors.length > 0 ? `bpftrace failed (${status}): ${errors.join(" | ")}` : `bpftrace failed (${status})`;
  }

  private diagnostics(): ProbeDiagnostics {
    const stats = this.collector.stats;
    return {
      program: this.built.program,
      attachedProbes: stats.attachedProbes,
      lostEvents: stats.lostEvents,
      helperErrors: stats.helperErrors,
      unknownRecords: stats.unknownRecords,
      stderr: cleanStderr(this.stderr),
      exitCode: this.exitCode,
      signal: this.exitSignal,
    };
  }
}

/** bpftrace 0.17 always complains it could not raise RLIMIT_MEMLOCK, which kernels ≥ 5.11 do not need. */
export function cleanStderr(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !line.includes("RLIMIT_MEMLOCK"))
    .join("\n")
    .trim();
}

function archName(): string {
  return process.arch === "x64" ? "x86_64" : process.arch;
}

/** bpftrace must not outlive the worker: SIGKILL whatever is left when Node exits. */
function track(child: ChildProcess): void {
  live.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}
