-- What a running benchmark is doing now (e.g. "waiting for fortio-server: 1/2 containers ready"), shown on its page.
ALTER TABLE "BenchmarkRun" ADD COLUMN "phase" TEXT;
