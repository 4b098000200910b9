-- Imported runs: provenance on the run; a result may hold the file's reported percentiles instead of a histogram.
ALTER TABLE "BenchmarkRun" ADD COLUMN "importProvenance" JSONB;

ALTER TABLE "RunResult" ALTER COLUMN "histogram" DROP NOT NULL,
ADD COLUMN "reportedLatency" JSONB;
