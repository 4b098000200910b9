import { checkReadiness, readinessBody } from "~/server/health/readiness";
import { webDependencyChecks } from "~/server/health/web-checks";

export const dynamic = "force-dynamic";

/** Readiness: 200 when PostgreSQL and Redis answer, 503 naming which did not and why. No login needed. */
export async function GET(): Promise<Response> {
  const { status, body } = readinessBody(await checkReadiness(webDependencyChecks));
  return new Response(body, { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
}
