-- A finished run no longer changes: the statistics its page shows (merged percentiles, spectrum,
-- each repetition's percentiles) are computed once when it finishes and read from here afterwards.

-- AlterTable
ALTER TABLE "BenchmarkRun" ADD COLUMN     "statistics" JSONB;
