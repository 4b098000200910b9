import { expect } from "@playwright/test";
import { appUrl } from "./edge-http";

/**
 * The app's /api/metrics, read with METRICS_TOKEN as Prometheus reads it. `npm test` exports the
 * token from var/secrets.env; the web server under test inherits it.
 */
export function metricsToken(): string {
  const token = process.env.METRICS_TOKEN;
  if (!token) throw new Error("METRICS_TOKEN is unset: run through npm test, or export it from var/secrets.env");
  return token;
}

export async function scrapeMetrics(): Promise<string> {
  const res = await fetch(new URL("/api/metrics", appUrl()), { headers: { authorization: `Bearer ${metricsToken()}` } });
  expect(res.status).toBe(200);
  return res.text();
}
