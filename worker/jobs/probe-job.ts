import { isProbeName } from "~/core/probes";
import { db } from "~/server/db/client";
import { storeProbeResult } from "~/server/runs/store";
import { type Capability, runProbeFor } from "~/worker/probes";
import { workerLog } from "../log";
import { probeCapability, unavailableProbeResult } from "./probe-session";
import { runRowJob } from "./row-job";

export interface ProbeJobDeps {
  shutdownSignal: AbortSignal;
  probeCapability?: () => Promise<Capability>;
  /** The heartbeat's interval (progress, cancel requests). */
  pollMs?: number;
  log?: (message: string) => void;
}

/** Progress follows the clock: a probe job runs for a fixed time. */
const PROGRESS_TICK_MS = 500;

/**
 * Runs one probe on its own for N seconds on this machine and stores its result. Cancelling
 * (cancelRequestedAt) or a worker shutdown stops it early; what was measured until then is kept,
 * so the work returns normally and runRowJob ends it CANCELLED or FAILED with these texts.
 */
export function processProbeJob(
  probeJobId: string,
  deps: ProbeJobDeps,
): Promise<"SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED"> {
  return runRowJob(
    "ProbeJob",
    probeJobId,
    {
      log:
        deps.log ??
        ((m: string) => workerLog.child({ job: "probe-job", jobId: probeJobId }, `[probe job ${probeJobId}] `).info(m)),
      shutdownSignal: deps.shutdownSignal,
      heartbeatMs: deps.pollMs,
      cancelledError: "Cancelled by an admin; the data measured until then is kept",
      interruptedError: "Interrupted: the worker shut down; partial data kept",
    },
    async (ctx) => {
      const job = await db.probeJob.findUniqueOrThrow({ where: { id: probeJobId } });
      if (!isProbeName(job.probe)) return { status: "FAILED", error: `Unknown probe "${job.probe}"` };
      const capability = await (deps.probeCapability ?? probeCapability)();
      if (!capability.available) {
        await storeProbeResult({ probeJobId }, unavailableProbeResult(job.probe, capability.reason));
        return { status: "FAILED", error: `eBPF unavailable: ${capability.reason}` };
      }
      ctx.setPhase(`running ${job.probe} for ${job.durationSeconds} s`);
      const started = Date.now();
      const tick = setInterval(
        () => ctx.setProgress(Math.min(99, ((Date.now() - started) / 1000 / job.durationSeconds) * 100)),
        PROGRESS_TICK_MS,
      );
      try {
        await storeProbeResult({ probeJobId }, await runProbeFor(job.probe, job.durationSeconds, ctx.signal));
      } finally {
        clearInterval(tick);
      }
      return undefined;
    },
  );
}
