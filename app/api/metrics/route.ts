import { webMetrics } from "~/server/metrics/registry";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint. Counts and timings only: nothing here identifies a user. */
export async function GET(): Promise<Response> {
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
}
