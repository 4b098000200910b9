-- AlterTable
ALTER TABLE "BenchmarkRun" ADD COLUMN     "isProfileBaseline" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Report" ADD COLUMN     "baselineRunId" TEXT,
ADD COLUMN     "finishedAt" TIMESTAMP(3),
ADD COLUMN     "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "startedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "BenchmarkRun_mesh_isProfileBaseline_idx" ON "BenchmarkRun"("mesh", "isProfileBaseline");

-- CreateIndex
CREATE INDEX "Report_createdAt_id_idx" ON "Report"("createdAt" DESC, "id" DESC);

