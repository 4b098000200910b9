import { Queue } from "bullmq";
import { env } from "~/server/env";
import { sharedRedis } from "./redis";

/**
 * Report rendering jobs (HTML, and PDF through headless Chromium), taken by the worker. Like
 * benchmark runs, the Report row is written first and job id = report id, so enqueueing twice is
 * harmless and a lost job is re-enqueued from PostgreSQL by reconcileReports().
 */
export const REPORT_QUEUE_NAME = "reports";

export interface ReportJobData {
  reportId: string;
}

const globalForQueue = globalThis as unknown as { meshbenchReportQueue?: Queue<ReportJobData> };

export function reportQueue(): Queue<ReportJobData> {
  globalForQueue.meshbenchReportQueue ??= new Queue<ReportJobData>(REPORT_QUEUE_NAME, {
    connection: sharedRedis(),
    prefix: env.QUEUE_PREFIX,
  });
  return globalForQueue.meshbenchReportQueue;
}

export async function enqueueReport(reportId: string): Promise<void> {
  await reportQueue().add(
    "report",
    { reportId },
    { jobId: reportId, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
  );
}
