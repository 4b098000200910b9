-- CreateTable
CREATE TABLE "RunMetricsSnapshot" (
    "runId" TEXT NOT NULL,
    "startSeconds" DOUBLE PRECISION NOT NULL,
    "stepSeconds" DOUBLE PRECISION NOT NULL,
    "series" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunMetricsSnapshot_pkey" PRIMARY KEY ("runId")
);

-- AddForeignKey
ALTER TABLE "RunMetricsSnapshot" ADD CONSTRAINT "RunMetricsSnapshot_runId_fkey" FOREIGN KEY ("runId") REFERENCES "BenchmarkRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

