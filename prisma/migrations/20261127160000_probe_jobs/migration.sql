-- AlterTable
ALTER TABLE "ProbeResult" ADD COLUMN     "probeJobId" TEXT;

-- CreateTable
CREATE TABLE "ProbeJob" (
    "id" TEXT NOT NULL,
    "probe" TEXT NOT NULL,
    "durationSeconds" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "error" TEXT,
    "cancelRequestedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ProbeJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProbeJob_createdAt_id_idx" ON "ProbeJob"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ProbeResult_probeJobId_idx" ON "ProbeResult"("probeJobId");

-- AddForeignKey
ALTER TABLE "ProbeJob" ADD CONSTRAINT "ProbeJob_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProbeResult" ADD CONSTRAINT "ProbeResult_probeJobId_fkey" FOREIGN KEY ("probeJobId") REFERENCES "ProbeJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

