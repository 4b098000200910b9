import { rowQueue } from "./row-queue";

/** Standalone eBPF probe jobs: their own queue, served by the same worker process as benchmarks. */
export const PROBE_QUEUE_NAME = "probe-jobs";

export interface ProbeJobData {
  probeJobId: string;
}

const probes = rowQueue<ProbeJobData>(PROBE_QUEUE_NAME, "probe");

export const probeQueue = probes.queue;

export function enqueueProbeJob(probeJobId: string): Promise<void> {
  return probes.enqueue(probeJobId, { probeJobId });
}
