import { mkdir, rm } from "node:fs/promises";
import { arch, availableParallelism, release, totalmem } from "node:os";
import type { PinningSetting } from "~/core/cpu-placement";
import { addInterference, type RunInterference, type RunPlacement, unpinnedPlacement } from "~/core/interference";
import type { ComponentUsage, IterationResult } from "~/core/result";
import type { RunEnvironment } from "~/core/run-environment";
import { workerEnv } from "~/worker/env";
import { runLoad } from "~/worker/loadgen";
import type { Backend, BackendContext } from "../types";
import { type Component, recordComponent } from "./component";
import { type AppliedPinning, pinBenchmark } from "./cpu-pinning";
import { InterferenceMonitor } from "./interference-monitor";
import { reapRunDir, stopRecordedProcesses } from "./orphans";
import { DEFAULT_RUN_ROOT, runDirFor } from "./paths";
import { writeOwnerFile } from "./pid-files";
import { type MonitoredProcess, ResourceMonitor } from "./resource-monitor";
import { isLocalMesh, LOCAL_MESHES, startTopology } from "./topology";

export interface LocalBackendOptions {
  /** Parent of the per-run dirs. Default: <repo>/var/run. */
  runRoot?: string;
  /** How long the workload may take to answer through every hop. Default 15 s. */
  readyTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when stopping. Default 3 s. */
  stopGraceMs?: number;
  /** /proc sampling period for CPU and memory. Default 250 ms. */
  sampleIntervalMs?: number;
  /** Keep the run dir (configs, pid files) after cleanup, for debugging. Default false. */
  keepRunDir?: boolean;
  /**
   * A closed-loop burst through the whole path at the end of prepare, discarded. Node's JIT and the
   * proxies' connection pools start cold; without it the first repetition reads slower than the
   * rest, whatever the spec's warm-up. Default 1000 ms; 0 disables.
   */
  primeMs?: number;
  /** The nginx or haproxy executable to run for those profiles. Default: /usr/sbin/<name>, or MESHBENCH_NGINX / MESHBENCH_HAPROXY. */
  proxyBinary?: string;
  /** Where the benchmark's processes run. Default: LOCAL_CPU_PINNING. */
  pinning?: PinningSetting;
}

/**
 * Runs the workload as processes on this machine: an echo upstream and, per profile, an nginx or
 * HAProxy client-side + server-side proxy pair, all real programs, each its own process so its CPU
 * and memory are measured apart. The load generator runs in this (worker) process.
 */
export class LocalBackend implements Backend {
  private readonly runRoot: string;
  private readonly readyTimeoutMs: number;
  private readonly stopGraceMs: number;
  private readonly sampleIntervalMs: number;
  private readonly keepRunDir: boolean;
  private readonly primeMs: number;
  private readonly proxyBinary: string | undefined;

  private runDir: string | null = null;
  private entryUrl: string | null = null;
  private readonly components: Component[] = [];
  private cleaning: Promise<void> | null = null;
  private detachAbort: (() => void) | null = null;
  private measuredInterference: RunInterference | null = null;
  private readonly pinning: PinningSetting;
  private pinned: AppliedPinning | null = null;

  constructor(options: LocalBackendOptions = {}) {
    this.runRoot = options.runRoot ?? DEFAULT_RUN_ROOT;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
    this.stopGraceMs = options.stopGraceMs ?? 3_000;
    this.sampleIntervalMs = options.sampleIntervalMs ?? 250;
    this.keepRunDir = options.keepRunDir ?? false;
    this.primeMs = options.primeMs ?? 1_000;
    this.proxyBinary = options.proxyBinary;
    this.pinning = options.pinning ?? workerEnv.LOCAL_CPU_PINNING;
  }

  private placement(): RunPlacement {
    return this.pinned?.placement ?? unpinnedPlacement(availableParallelism());
  }

  /** The URL the load generator targets (null before prepare). */
  get targetUrl(): string | null {
    return this.entryUrl;
  }

  /**
   * What else used the machine during the measured windows so far, and where the benchmark ran.
   * Without a measured window it still says where the benchmark ran (no CPU figures).
   */
  /** This machine as the run used it: the entry URL, the cores the benchmark shares, memory and kernel. */
  async environment(): Promise<RunEnvironment> {
    return {
      targetUrl: this.entryUrl,
      kubernetesVersion: null,
      nodes: [
        {
          name: "local",
          roles: ["local"],
          instanceType: null,
          cpuCores: availableParallelism(),
          memoryBytes: totalmem(),
          kernel: release(),
          architecture: arch(),
        },
      ],
    };
  }

  interference(): RunInterference {
    return (
      this.measuredInterference ?? {
        windowSeconds: 0,
        outsideCpuSeconds: 0,
        stealSeconds: null,
        byName: [],
        placement: this.placement(),
      }
    );
  }

  /** pids of every process this backend started, nginx workers included: for diagnostics and tests. */
  async processIds(): Promise<Array<{ component: string; pid: number }>> {
    const out: Array<{ component: string; pid: number }> = [];
    for (const c of this.components) {
      if (c.process.pid < 0) continue;
      out.push({ component: c.name, pid: c.process.pid });
      for (const child of await c.process.family()) out.push({ component: c.name, pid: child.pid });
    }
    return out;
  }

  async prepare(ctx: BackendContext): Promise<void> {
    if (this.cleaning) throw new Error("LocalBackend: prepare() after cleanup(): use a new backend per run");
    if (this.runDir) throw new Error("LocalBackend: prepare() called twice");
    const { spec } = ctx;
    if (!isLocalMesh(spec.mesh)) {
      throw new Error(`The local backend runs ${LOCAL_MESHES.join(", ")}; profile "${spec.mesh}" needs the Kubernetes backend`);
    }
    ctx.signal.throwIfAborted();
    const dir = runDirFor(this.runRoot, ctx.runId);
    // A dir left by an earlier attempt at this run (its worker crashed) is reaped; one with a live owner is not ours to take.
    if ((await reapRunDir(dir)) === null)
      throw new Error(`Run ${ctx.runId} is already running in another live worker on this machine`);
    await mkdir(dir, { recursive: true });
    this.runDir = dir;
    await writeOwnerFile(dir);

    // Cancelling stops the processes at once, whatever the caller is doing; cleanup() stays idempotent.
    const onAbort = () => void this.cleanup();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    this.detachAbort = () => ctx.signal.removeEventListener("abort", onAbort);

    // Before anything starts: the proxies and the upstream inherit this process's CPUs.
    this.pinned = await pinBenchmark(this.pinning, this.runRoot);
    ctx.log(`local backend: ${this.pinned.placement.note}`);
    ctx.log(`local backend: starting ${spec.mesh} workload in ${dir}`);
    ctx.setPhase?.(`starting the ${spec.mesh} workload`);
    this.entryUrl = await startTopology({
      mesh: spec.mesh,
      runDir: dir,
      payloadBytes: spec.payloadBytes,
      serviceTime: spec.serviceTime,
      connections: spec.connections,
      readyTimeoutMs: this.readyTimeoutMs,
      signal: ctx.signal,
      proxyBinary: this.proxyBinary,
      track: (c) => this.track(dir, c),
    });
    // Again now that nginx has forked its workers, so a crash from here on leaves them findable.
    for (const c of this.components) await recordComponent(dir, c);
    ctx.setPhase?.("priming connections (discarded)");
    await this.prime(ctx, this.entryUrl);
    ctx.log(
      `local backend: ready at ${this.entryUrl} (${this.components.map((c) => `${c.name} pid ${c.process.pid}`).join(", ")})`,
    );
  }

  /** Warm JIT and connection pools with a discarded closed-loop burst (see LocalBackendOptions.primeMs). */
  private async prime(ctx: BackendContext, url: string): Promise<void> {
    if (this.primeMs <= 0) return;
    const primed = await runLoad({
      url,
      mode: "closed",
      connections: ctx.spec.connections,
      durationMs: this.primeMs,
      warmupMs: 0,
      signal: ctx.signal,
    });
    const failed = Object.values(primed.errors).reduce((a, b) => a + b, 0);
    if (primed.successes === 0) {
      throw new Error(`The ${ctx.spec.mesh} request path answered nothing while priming: ${JSON.stringify(primed.errors)}`);
    }
    if (failed > 0) ctx.log(`local backend: ${failed} failed request(s) while priming: ${JSON.stringify(primed.errors)}`);
  }

  private async track(dir: string, c: Component): Promise<void> {
    if (this.cleaning) {
      await c.process.stop(this.stopGraceMs);
      throw new Error("LocalBackend: cleaned up while starting");
    }
    this.components.push(c);
    await recordComponent(dir, c);
  }

  async runIteration(ctx: BackendContext, iteration: number): Promise<IterationResult> {
    if (!this.entryUrl || this.cleaning)
      throw new Error("LocalBackend: runIteration() needs a successful prepare() and no cleanup()");
    ctx.signal.throwIfAborted();
    this.assertAllAlive("before");
    const { spec } = ctx;
    const live = ctx.live;
    if (spec.warmupSeconds > 0) ctx.setPhase?.(`repetition ${iteration} of ${spec.repetitions}: warm-up`);
    const monitor = new ResourceMonitor(this.monitoredProcesses(), this.sampleIntervalMs, live && ((s) => live.process(s)));
    const neighbours = new InterferenceMonitor();
    let usage: Promise<ComponentUsage[]> | null = null;
    let interference: Promise<RunInterference | null> | null = null;
    try {
      const result = await runLoad({
        url: this.entryUrl,
        mode: spec.mode === "max" ? "closed" : "open",
        rate: spec.rate,
        connections: spec.connections,
        durationMs: spec.durationSeconds * 1000,
        warmupMs: spec.warmupSeconds * 1000,
        signal: ctx.signal,
        // Read ctx.onIterationProgress at call time: the job swaps it for each iteration.
        onProgress: (p) => {
          ctx.onIterationProgress(Math.min(1, p.elapsedMs / p.totalMs));
          live?.loadInterval(p.interval);
        },
        onWindow: (edge) => {
          if (edge === "start") {
            ctx.setPhase?.(`repetition ${iteration} of ${spec.repetitions}: measuring`);
            void monitor.start();
            void neighbours.start();
          } else {
            usage = monitor.stop();
            interference = neighbours.stop();
          }
        },
      });
      // A proxy that died mid-run turns the numbers into a list of errors: fail loudly instead.
      this.assertAllAlive(`during iteration ${iteration}`);
      const components: ComponentUsage[] = usage ? await usage : this.monitoredProcesses().map(unmeasured);
      await this.recordNeighbours(interference);
      return {
        iteration,
        requestedQps: spec.mode === "fixed-rate" ? (spec.rate ?? null) : null,
        actualQps: result.actualRate,
        count: result.successes,
        errors: result.errors,
        latency: result.latency,
        histogram: result.histogramBase64,
        perSecond: result.perSecond,
        measuredSeconds: result.measuredSeconds,
        components,
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
      };
    } finally {
      monitor.dispose();
    }
  }

  private async recordNeighbours(measured: Promise<RunInterference | null> | null): Promise<void> {
    const window = await measured;
    if (!window) return;
    const placed = { ...window, placement: this.placement() };
    this.measuredInterference = this.measuredInterference ? addInterference(this.measuredInterference, placed) : placed;
  }

  private assertAllAlive(when: string): void {
    const dead = this.components.find((c) => c.process.hasExited);
    if (dead) throw new Error(`${dead.process.describeExit()} (${when})`);
  }

  private monitoredProcesses(): MonitoredProcess[] {
    // The load generator is this process: its share includes the worker's own small overhead.
    const loadgen: MonitoredProcess = { component: "loadgen", role: "loadgen", pid: process.pid, includeChildren: false };
    const order: Component["name"][] = ["upstream", "proxy-client", "proxy-server"];
    const rest = [...this.components]
      .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
      .map((c) => ({ component: c.name, role: c.role, pid: c.process.pid, includeChildren: c.childCmdlineMatch !== null }));
    return [loadgen, ...rest];
  }

  cleanup(): Promise<void> {
    this.cleaning ??= this.stopAll();
    return this.cleaning;
  }

  private async stopAll(): Promise<void> {
    this.detachAbort?.();
    await Promise.allSettled(this.components.map((c) => c.process.stop(this.stopGraceMs)));
    await this.pinned?.restore();
    // Whatever the pid files still name: e.g. workers of an nginx master that crashed earlier,
    // which are no longer anyone's children.
    if (this.runDir) await stopRecordedProcesses(this.runDir, this.stopGraceMs);
    // If something survived even SIGKILL, keep its pid files so the start-up reaper can try again.
    const survivor = this.components.some((c) => !c.process.hasExited);
    if (this.runDir && !this.keepRunDir && !survivor) await rm(this.runDir, { recursive: true, force: true });
  }
}

function unmeasured(p: MonitoredProcess): ComponentUsage {
  return { component: p.component, role: p.role, cpuCores: null, maxRssBytes: null };
}
