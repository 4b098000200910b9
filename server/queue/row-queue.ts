import { type JobsOptions, Queue } from "bullmq";
import { env } from "~/server/env";
import { appLog } from "~/server/log";
import { sharedRedis } from "./redis";

/**
 * A BullMQ queue whose jobs each stand for one PostgreSQL row (a run, a probe job, a report). The
 * row is written first and job id = row id, so enqueueing twice is harmless and the worker's
 * reconciler can re-enqueue from PostgreSQL whatever Redis lost.
 */
export function rowQueue<T extends object>(name: string, jobName: string) {
  // One Queue per process; Next's dev server re-evaluates modules, so keep it on globalThis.
  const holder = globalThis as unknown as Record<symbol, Queue<T> | undefined>;
  const key = Symbol.for(`meshbench.queue.${name}`);
  const queue = (): Queue<T> => {
    holder[key] ??= new Queue<T>(name, { connection: sharedRedis(), prefix: env.QUEUE_PREFIX });
    return holder[key];
  };
  const enqueue = async (id: string, data: T): Promise<void> => {
    // BullMQ derives the job name and data types from T through conditional types, which
    // TypeScript cannot resolve for a generic T; for a concrete T they are string and T.
    const add = queue().add.bind(queue()) as (name: string, data: T, opts: JobsOptions) => Promise<unknown>;
    await add(jobName, data, {
      jobId: id,
      attempts: 1,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
  };
  return { queue, enqueue };
}

/**
 * Enqueues a row that is already written in PostgreSQL. If Redis fails, the row simply stays
 * QUEUED and the worker's reconciler enqueues it later, so nothing is lost: the failure is
 * logged and reported as `false` (the caller tells the user it will start a little later).
 */
export async function enqueueOrLeaveToReconciler(
  what: string,
  id: string,
  enqueue: (id: string) => Promise<void>,
): Promise<boolean> {
  try {
    await enqueue(id);
    return true;
  } catch (error) {
    appLog.warn(`${what} ${id} stored but not enqueued (the reconciler will retry): ${(error as Error).message}`);
    return false;
  }
}
