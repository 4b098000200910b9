import { isProbeName } from "~/core/probes";
import { db } from "~/server/db/client";
import { type Capability, runProbeFor } from "~/worker/probes";
import { probeCapability, unavailableProbeResult } from "./probe-session";
import { storeProbeResult } from "./store-probe-result";

export interface ProbeJobDeps {
  shutdownSignal: AbortSignal;
  probeCapability?: () => Promise<Capability>;
  pollMs?: number;
}

/**
 * Runs one probe on its own for N seconds on this machine and stores its result. Cancelling
 * (cancelRequestedAt) or a worker shutdown stops it early; what was measured until then is kept.
 */
export async function processProbeJob(
  probeJobId: string,
  deps: ProbeJobDeps,
): Promise<"SUCCEEDED" | "FAILED" | "CANCELLED" | "SKIPPED"> {
  const claimed = await db.probeJob.updateMany({
    where: { id: probeJobId, status: "QUEUED" },
    data: { status: "RUNNING", startedAt: new Date() },
  });
  if (claimed.count === 0) return "SKIPPED";
  const job = await db.probeJob.findUniqueOrThrow({ where: { id: probeJobId } });
  if (!isProbeName(job.probe)) return finish(probeJobId, "FAILED", `Unknown probe "${job.probe}"`);

  const abort = new AbortController();
  const onShutdown = () => abort.abort();
  deps.shutdownSignal.addEventListener("abort", onShutdown, { once: true });
  const started = Date.now();
  let cancelled = false;
  const poll = setInterval(() => {
    const progress = Math.min(99, ((Date.now() - started) / 1000 / job.durationSeconds) * 100);
    db.probeJob
      .update({ where: { id: probeJobId }, data: { progress }, select: { cancelRequestedAt: true } })
      .then((r) => {
        if (r.cancelRequestedAt && !abort.signal.aborted) {
          cancelled = true;
          abort.abort();
        }
      })
      .catch(() => undefined);
  }, deps.pollMs ?? 1000);
  try {
    const capability = await (deps.probeCapability ?? probeCapability)();
    if (!capability.available) {
      await storeProbeResult({ probeJobId }, unavailableProbeResult(job.probe, capability.reason));
      return await finish(probeJobId, "FAILED", `eBPF unavailable: ${capability.reason}`);
    }
    await storeProbeResult({ probeJobId }, await runProbeFor(job.probe, job.durationSeconds, abort.signal));
    if (cancelled) return await finish(probeJobId, "CANCELLED", "Cancelled by an admin; the data measured until then is kept");
    if (deps.shutdownSignal.aborted)
      return await finish(probeJobId, "FAILED", "Interrupted: the worker shut down; partial data kept");
    return await finish(probeJobId, "SUCCEEDED", null);
  } catch (error) {
    return await finish(probeJobId, "FAILED", (error as Error).message);
  } finally {
    clearInterval(poll);
    deps.shutdownSignal.removeEventListener("abort", onShutdown);
  }
}

async function finish(id: string, status: "SUCCEEDED" | "FAILED" | "CANCELLED", error: string | null) {
  await db.probeJob.update({
    where: { id },
    data: { status, error, finishedAt: new Date(), ...(status === "SUCCEEDED" ? { progress: 100 } : {}) },
  });
  return status;
}
