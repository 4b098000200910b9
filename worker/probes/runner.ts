import { hostname } from "node:os";
import type { ProbeName, ProbeRunResult } from "~/core/probes";
import { buildProbeProgram } from "./build";
import { detectCapabilities } from "./capabilities";
import { PROBE_DEFINITIONS } from "./catalog";
import { acquireBpfStats } from "./overhead";
import { measuredResult, type ResultBase, unavailableResult } from "./result";
import { BpftraceSession } from "./session";
import type { ProbeSample, ProbeScopeInput } from "./types";

/**
 * Runs one probe as a local bpftrace process: checks capabilities, spawns bpftrace, streams its
 * JSON through the collector while it runs, and stops it (SIGINT so END flushes the last partial
 * interval, SIGKILL if it does not go) whatever happens. Never throws: every failure becomes an
 * "unavailable: <reason>" result, and real data gathered before a failure is kept.
 */
export interface StartProbeOptions extends ProbeScopeInput {
  probe: ProbeName;
  /** Whole seconds between samples (default 1). */
  intervalSeconds?: number;
  /** Live per-interval data (e.g. to export to Prometheus). Errors it throws are recorded, not raised. */
  onSample?: (sample: ProbeSample) => void;
  /** Where unrecognised bpftrace output is reported as it arrives (it is also kept in the result). */
  log?: (message: string) => void;
  /** bpftrace exits by itself after this long, in case nobody stops it (default 6 h). */
  maxSeconds?: number;
  /** Environment for finding and running bpftrace (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Turn on kernel.bpf_stats_enabled while probing, to report the BPF programs' in-kernel time. */
  bpfStats?: boolean;
  /** How long bpftrace may take to compile and attach (default 30 s). */
  attachTimeoutMs?: number;
  /** How long to wait after SIGINT before SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
}

export interface ProbeHandle {
  probe: ProbeName;
  /** True when bpftrace attached and is collecting. */
  readonly running: boolean;
  /** Resolves when bpftrace has exited, on its own or after stop(). */
  readonly exited: Promise<void>;
  /** Stops bpftrace and returns the result; safe to call more than once (same promise). */
  stop(): Promise<ProbeRunResult>;
}

const DEFAULT_MAX_SECONDS = 6 * 3600;

export async function startProbe(options: StartProbeOptions): Promise<ProbeHandle> {
  const { probe } = options;
  const base: ResultBase = {
    probe,
    host: hostname(),
    scope: { hostWide: true, pids: [], comms: [], ports: [] },
    startedAt: new Date(),
  };
  const intervalSeconds = options.intervalSeconds ?? 1;

  const build = buildProbeProgram(probe, { ...options, intervalSeconds, maxSeconds: options.maxSeconds ?? DEFAULT_MAX_SECONDS });
  if (!build.ok) return settled(probe, unavailableResult(base, `invalid probe options: ${build.error}`));
  const built = build.built;
  base.scope = built.scope;

  const capability = await detectCapabilities({ env: options.env, tracepoints: PROBE_DEFINITIONS[probe].meta.tracepoints });
  if (!capability.available) return settled(probe, unavailableResult(base, capability.reason));

  const releaseStats = options.bpfStats ? await acquireBpfStats() : async () => {};
  const session = new BpftraceSession(capability.bpftracePath, built, options);
  const attached = await session.attached(options.attachTimeoutMs ?? 30_000);

  let result: Promise<ProbeRunResult> | null = null;
  const stop = (): Promise<ProbeRunResult> => {
    result ??= (async () => {
      try {
        const outcome = await session.stop(options.stopTimeoutMs ?? 5_000);
        if (!session.collector.stats.begun || session.collector.intervalCount === 0) {
          const why = attached ? `bpftrace produced no data before it stopped (${outcome.failure})` : outcome.failure;
          return unavailableResult(base, why, outcome.diagnostics);
        }
        outcome.warnings.unshift(...capability.warnings, ...built.warnings);
        return measuredResult(base, session.collector, outcome);
      } catch (error) {
        // A bug of ours must still end in a result, not in a crashed benchmark.
        return unavailableResult(base, `probe runner error: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await releaseStats();
      }
    })();
    return result;
  };

  // Not attached: stop now rather than leave a compiling or hung bpftrace to the caller.
  if (!attached) return settled(probe, await stop());

  return {
    probe,
    get running() {
      return !session.hasExited;
    },
    exited: session.exited,
    stop,
  };
}

/**
 * Runs a probe on its own for `seconds` (the standalone probe job). An abort ends it early with the
 * data gathered so far, marked incomplete.
 */
export async function runProbeFor(
  probe: ProbeName,
  seconds: number,
  signal?: AbortSignal,
  options: Omit<StartProbeOptions, "probe"> = {},
): Promise<ProbeRunResult> {
  // bpftrace's own deadline is a backstop a little after ours, so END still flushes normally.
  const handle = await startProbe({ ...options, probe, maxSeconds: options.maxSeconds ?? Math.ceil(seconds) + 30 });
  let aborted = signal?.aborted ?? false;
  if (handle.running && !aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, seconds * 1000);
      const onAbort = () => {
        aborted = true;
        done();
      };
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      void handle.exited.then(done);
    });
  }
  const result = await handle.stop();
  if (aborted && result.available) {
    result.complete = false;
    result.warnings.push("cancelled before the requested duration");
  }
  return result;
}

function settled(probe: ProbeName, result: ProbeRunResult): ProbeHandle {
  return { probe, running: false, exited: Promise.resolve(), stop: () => Promise.resolve(result) };
}
