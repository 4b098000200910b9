-- Where a run ran (target URL, cluster version, nodes), for the exports (SMP EnvironmentConfig).
ALTER TABLE "BenchmarkRun" ADD COLUMN "environment" JSONB;
