import { type Job, Worker } from "bullmq";
import { env } from "~/server/env";
import { createRedis } from "~/server/queue/redis";
import { workerLog } from "../log";

export interface RowWorkerOptions {
  /** How many rows of this queue one worker process handles at once. */
  concurrency: number;
  /** Names the worker in its error log lines. */
  label: string;
}

/**
 * The BullMQ consumer of a row queue (see rowQueue). PostgreSQL decides what happens to a row,
 * not BullMQ: a job whose worker lost its lock is not retried (maxStalledCount 0), the
 * reconciler settles its row instead. Close the returned Worker on shutdown.
 */
export function startRowWorker<T>(
  queueName: string,
  handle: (job: Job<T>) => Promise<unknown>,
  options: RowWorkerOptions,
): Worker<T> {
  const worker = new Worker<T>(queueName, handle, {
    connection: createRedis({ blocking: true }),
    prefix: env.QUEUE_PREFIX,
    concurrency: options.concurrency,
    maxStalledCount: 0,
  });
  const log = workerLog.child({ job: options.label }, `${options.label} worker: `);
  worker.on("error", (error) => log.error(error.message));
  return worker;
}
