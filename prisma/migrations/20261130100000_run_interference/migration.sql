-- What else used the machine while a local run measured (core/interference.ts).
ALTER TABLE "BenchmarkRun" ADD COLUMN "interference" JSONB;
