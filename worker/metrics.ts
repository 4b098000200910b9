import { createServer, type Server } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { checkReadiness, type DependencyCheck, LIVE_BODY, readinessBody } from "~/server/health/readiness";
import { workerLog } from "./log";

export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry, prefix: "meshbench_worker_" });

export const runsFinished = new Counter({
  name: "meshbench_worker_runs_finished_total",
  help: "Benchmark runs finished by this worker, by final status",
  labelNames: ["status"] as const,
  registers: [workerRegistry],
});

export const activeRuns = new Gauge({
  name: "meshbench_worker_active_runs",
  help: "Benchmark runs this worker is executing now",
  registers: [workerRegistry],
});

const JSON_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };

/**
 * Serves /metrics for Prometheus, and /health/live (the process answers; touches nothing) and
 * /health/ready (the readiness checks) for container health checks and Kubernetes probes.
 * Port 0 disables it.
 */
export function startMetricsServer(port: number, host: string, readiness: readonly DependencyCheck[]): Server | null {
  if (port === 0) return null;
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/health/live") {
      res.writeHead(200, JSON_HEADERS).end(LIVE_BODY);
      return;
    }
    if (path === "/health/ready") {
      checkReadiness(readiness)
        .then((outcome) => {
          const { status, body } = readinessBody(outcome);
          res.writeHead(status, JSON_HEADERS).end(body);
        })
        .catch(() => res.writeHead(503, JSON_HEADERS).end(JSON.stringify({ status: "unavailable", checks: {} })));
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    workerRegistry
      .metrics()
      .then((body) => res.writeHead(200, { "Content-Type": workerRegistry.contentType }).end(body))
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  server.on("error", (error) => workerLog.warn(`metrics server: ${error.message}`));
  server.listen(port, host);
  return server;
}
