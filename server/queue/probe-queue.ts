import { Queue } from "bullmq";
import { env } from "~/server/env";
import { sharedRedis } from "./redis";

/** Standalone eBPF probe jobs: their own queue, served by the same worker process as benchmarks. */
export const PROBE_QUEUE_NAME = "probe-jobs";

export interface ProbeJobData {
  probeJobId: string;
}

const globalForQueue = globalThis as unknown as { meshbenchProbeQueue?: Queue<ProbeJobData> };

export function probeQueue(): Queue<ProbeJobData> {
  globalForQueue.meshbenchProbeQueue ??= new Queue<ProbeJobData>(PROBE_QUEUE_NAME, {
    connection: sharedRedis(),
    prefix: env.QUEUE_PREFIX,
  });
  return globalForQueue.meshbenchProbeQueue;
}

/** Job id = probe job id: enqueueing twice is harmless, as for runs. */
export async function enqueueProbeJob(probeJobId: string): Promise<void> {
  await probeQueue().add(
    "probe",
    { probeJobId },
    { jobId: probeJobId, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  );
}
