import { rowQueue } from "./row-queue";

export const RUN_QUEUE_NAME = "benchmark-runs";

export interface BenchmarkJobData {
  runId: string;
}

const runs = rowQueue<BenchmarkJobData>(RUN_QUEUE_NAME, "benchmark");

export const runQueue = runs.queue;

/** Job id = run id: enqueueing the same run twice (a retry, the reconciler) is harmless. */
export function enqueueRun(runId: string): Promise<void> {
  return runs.enqueue(runId, { runId });
}

/** Removes a run's job if it is still waiting; a job a worker holds is left to the worker. */
export async function dequeueRun(runId: string): Promise<void> {
  const job = await runQueue().getJob(runId);
  if (job && (await job.isWaiting())) await job.remove().catch(() => undefined);
}
