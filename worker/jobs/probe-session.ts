import { hostname } from "node:os";
import type { ProbeName, ProbeRunResult } from "~/core/probes";
import { type Capability, detectCapabilities, type ProbeSample, startProbe } from "~/worker/probes";

export interface ProbeSessionOptions {
  probes: readonly ProbeName[];
  /** Processes to scope to, where a probe allows it; host-wide probes ignore them. */
  pids: readonly number[];
  capability: Capability;
  onSample?: (sample: ProbeSample) => void;
  log: (message: string) => void;
}

export interface ProbeSession {
  /** Stops every probe and returns one result per probe, in the order asked. */
  stop(): Promise<ProbeRunResult[]>;
}

/** The result of a probe that could not run: the reason, and no figures. */
export function unavailableProbeResult(probe: ProbeName, reason: string, pids: readonly number[] = []): ProbeRunResult {
  const now = new Date();
  return {
    probe,
    host: hostname(),
    scope: { hostWide: pids.length === 0, pids: [...pids], comms: [], ports: [] },
    startedAt: now,
    finishedAt: now,
    available: false,
    reason,
    diagnostics: null,
  };
}

/**
 * The probes of one benchmark iteration. They attach before the load starts (startProbe resolves
 * once bpftrace is in) and never fail the benchmark: a probe that cannot run yields a result that
 * says why, with no figures.
 */
export async function startProbeSession(options: ProbeSessionOptions): Promise<ProbeSession> {
  const { probes, pids, capability } = options;
  if (probes.length === 0) return { stop: async () => [] };
  if (!capability.available) {
    options.log(`probes unavailable: ${capability.reason}`);
    return { stop: async () => probes.map((p) => unavailableProbeResult(p, capability.reason, pids)) };
  }
  const handles = await Promise.all(
    probes.map((probe) => startProbe({ probe, pids: [...pids], onSample: options.onSample, log: options.log })),
  );
  return { stop: () => Promise.all(handles.map((h) => h.stop())) };
}

/** Checks root, bpftrace, tracefs (mounting it when it can) once per run. */
export function probeCapability(): Promise<Capability> {
  return detectCapabilities();
}
