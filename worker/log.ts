import { appLog, type Logger, logAsWorker } from "~/server/log";

logAsWorker();

/** The worker's logger: plain "worker: …" lines, or JSON lines with service "worker" (LOG_FORMAT). */
export const workerLog: Logger = appLog;

/** The logger of one benchmark run's job. */
export const runLog = (runId: string): Logger => workerLog.child({ runId, job: "run" }, `[run ${runId}] `);
