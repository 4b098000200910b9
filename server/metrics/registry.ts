import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { db } from "~/server/db/client";
import { RunStatus } from "~/server/db/generated/enums";
import { sharedRedis } from "~/server/queue/redis";
import { runQueue } from "~/server/queue/run-queue";

/**
 * The web app's own metrics, served at /api/metrics. Gauges that need a database or Redis round
 * trip are filled at scrape time (collect), so they are never stale and cost nothing between scrapes.
 */
function createWebRegistry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "meshbench_web_" });

  const requests = new Counter({
    name: "meshbench_http_requests_total",
    help: "API requests handled by the web app",
    labelNames: ["route", "code"] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: "meshbench_http_request_duration_seconds",
    help: "API request latency",
    labelNames: ["route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const loginLockouts = new Counter({
    name: "meshbench_login_lockouts_total",
    help: "Logins locked after too many failures, by what was locked (one email from one address, or the email from everywhere)",
    labelNames: ["scope"] as const,
    registers: [registry],
  });
  // Both series exist from the start, so rate() and alerts see a 0 rather than no data.
  for (const scope of ["address", "email"]) loginLockouts.inc({ scope }, 0);
  const dependencyUp = new Gauge({
    name: "meshbench_dependency_up",
    help: "1 when the web app can reach the dependency",
    labelNames: ["dependency"] as const,
    registers: [registry],
  });

  new Gauge({
    name: "meshbench_queue_jobs",
    help: "Benchmark jobs in the queue, by state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await runQueue().getJobCounts("waiting", "active", "delayed", "failed", "completed");
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        dependencyUp.set({ dependency: "redis" }, (await sharedRedis().ping()) === "PONG" ? 1 : 0);
      } catch {
        dependencyUp.set({ dependency: "redis" }, 0);
      }
    },
  });

  new Gauge({
    name: "meshbench_runs",
    help: "Benchmark runs stored, by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      try {
        const groups = await db.benchmarkRun.groupBy({ by: ["status"], _count: { _all: true } });
        for (const status of Object.values(RunStatus)) {
          this.set({ status }, groups.find((g) => g.status === status)?._count._all ?? 0);
        }
        dependencyUp.set({ dependency: "postgres" }, 1);
      } catch {
        dependencyUp.set({ dependency: "postgres" }, 0);
      }
    },
  });

  return { registry, requests, requestSeconds, loginLockouts };
}

const globalForMetrics = globalThis as unknown as { meshbenchWebMetrics?: ReturnType<typeof createWebRegistry> };
export function webMetrics(): ReturnType<typeof createWebRegistry> {
  globalForMetrics.meshbenchWebMetrics ??= createWebRegistry();
  return globalForMetrics.meshbenchWebMetrics;
}

/** The route label of anything that is not a known route. */
export const UNKNOWN_ROUTE = "unknown";

/**
 * Times an API handler and counts it by route and status code, once per route it served (a tRPC
 * batch serves several procedures in one request). Each distinct label value is a series kept for
 * the life of the process, so a route the caller did not name in `known` (the router's procedure
 * names, say) is recorded as UNKNOWN_ROUTE: request paths cannot mint new series.
 */
export async function observed(
  routes: readonly string[],
  known: ReadonlySet<string>,
  handler: () => Promise<Response>,
): Promise<Response> {
  const { requests, requestSeconds } = webMetrics();
  const labels = [...new Set(routes.map((route) => (known.has(route) ? route : UNKNOWN_ROUTE)))];
  const stops = labels.map((route) => requestSeconds.startTimer({ route }));
  let code = "500";
  try {
    const response = await handler();
    code = String(response.status);
    return response;
  } finally {
    for (const route of labels) requests.inc({ route, code });
    for (const stop of stops) stop();
  }
}
