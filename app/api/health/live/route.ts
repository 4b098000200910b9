import { LIVE_BODY } from "~/server/health/readiness";

export const dynamic = "force-dynamic";

/**
 * Liveness: the process serves HTTP. It touches no dependency, so an outage of PostgreSQL or Redis
 * never gets a healthy web container restarted (readiness takes it out of rotation instead).
 */
export function GET(): Response {
  return new Response(LIVE_BODY, { headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
