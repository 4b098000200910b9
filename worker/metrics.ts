import { createServer, type Server } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

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

/** Serves /metrics for Prometheus. Port 0 disables it. */
export function startMetricsServer(port: number): Server | null {
  if (port === 0) return null;
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    workerRegistry
      .metrics()
      .then((body) => res.writeHead(200, { "Content-Type": workerRegistry.contentType }).end(body))
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  server.on("error", (error) => console.warn(`worker metrics server: ${error.message}`));
  server.listen(port, "127.0.0.1");
  return server;
}
