import { Queue } from "bullmq";
import { env } from "~/server/env";
import { sharedRedis } from "./redis";

export const RUN_QUEUE_NAME = "benchmark-runs";

export interface BenchmarkJobData {
  runId: string;
}

const globalForQueue = globalThis as unknown as { meshbenchRunQueue?: Queue<BenchmarkJobData> };

export function runQueue(): Queue<BenchmarkJobData> {
  globalForQueue.meshbenchRunQueue ??= new Queue<BenchmarkJobData>(RUN_QUEUE_NAME, {
    connection: sharedRedis(),
    prefix: env.QUEUE_PREFIX,
  });
  return globalForQueue.meshbenchRunQueue;
}

/**
 * Job id = run id, so enqueueing the same run twice (a retry, the reconciler) is harmless:
 * BullMQ ignores an add whose id already exists.
 */
export async function enqueueRun(runId: string): Promise<void> {
  await runQueue().add(
    "benchmark",
    { runId },
    { jobId: runId, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  );
}

/** Removes a run's job if it is still waiting; a job a worker holds is left to the worker. */
export async function dequeueRun(runId: string): Promise<void> {
  const job = await runQueue().getJob(runId);
  if (job && (await job.isWaiting())) await job.remove().catch(() => undefined);
}
