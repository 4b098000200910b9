-- Probe jobs and reports get the lifecycle columns benchmark runs have, so one runner and one
-- reconciler serve all three: a heartbeat the reconciler watches, what the worker is doing now,
-- and (reports) a cancel request the heartbeat picks up.

-- AlterTable
ALTER TABLE "ProbeJob" ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "phase" TEXT;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "phase" TEXT;
