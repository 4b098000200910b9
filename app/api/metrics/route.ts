import { env } from "~/server/env";
import { hasBearerToken } from "~/server/http/bearer-token";
import { webMetrics } from "~/server/metrics/registry";

export const dynamic = "force-dynamic";

/**
 * Prometheus scrape endpoint, for holders of METRICS_TOKEN only (`Authorization: Bearer …`).
 * Without a token configured it answers 404: there is no credential that could be accepted, so
 * the endpoint is switched off rather than guarded, and a caller learns nothing by probing it.
 */
export async function GET(req: Request): Promise<Response> {
  if (!env.METRICS_TOKEN) return new Response("Not found\n", { status: 404, headers: { "Cache-Control": "no-store" } });
  if (!hasBearerToken(req.headers.get("authorization"), env.METRICS_TOKEN)) {
    return new Response("Unauthorized\n", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="meshbench-metrics"', "Cache-Control": "no-store" },
    });
  }
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), {
    headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
  });
}
