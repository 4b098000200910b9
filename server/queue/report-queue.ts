import { rowQueue } from "./row-queue";

/**
 * Report rendering jobs (HTML, and PDF through headless Chromium), taken by the worker; a lost
 * job is re-enqueued from PostgreSQL by reconcileReports().
 */
export const REPORT_QUEUE_NAME = "reports";

export interface ReportJobData {
  reportId: string;
}

const reports = rowQueue<ReportJobData>(REPORT_QUEUE_NAME, "report");

export const reportQueue = reports.queue;

export function enqueueReport(reportId: string): Promise<void> {
  return reports.enqueue(reportId, { reportId });
}
