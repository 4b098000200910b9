import { type CadvisorLabels, kubeletScrapeInterval, type ScrapeTarget } from "~/core/cadvisor-queries";
import { env } from "~/server/env";

/**
 * The cluster Prometheus's real kubelet scrape interval, from its targets API, or null with the
 * reason when it cannot be told (a query frontend without that API, Prometheus down). Never
 * throws: the run goes on without it.
 */
export async function discoverScrapeInterval(
  options: { prometheusUrl?: string; cadvisor?: CadvisorLabels; timeoutMs?: number } = {},
): Promise<{ seconds: number | null; reason: string | null }> {
  const labels = options.cadvisor ?? { job: env.CADVISOR_JOB, nodeLabel: env.CADVISOR_NODE_LABEL };
  const base = (options.prometheusUrl ?? env.PROMETHEUS_URL).replace(/\/$/, "");
  try {
    const response = await fetch(`${base}/api/v1/targets?state=active`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 4_000),
    });
    if (!response.ok) return { seconds: null, reason: `Prometheus targets API answered HTTP ${response.status}` };
    const body = (await response.json()) as { data?: { activeTargets?: ScrapeTarget[] } };
    const seconds = kubeletScrapeInterval(body.data?.activeTargets ?? [], labels);
    return { seconds, reason: seconds === null ? "no active cAdvisor target tells its scrape interval" : null };
  } catch (error) {
    return { seconds: null, reason: error instanceof Error ? error.message : String(error) };
  }
}

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; seconds: Promise<number | null> }>();

/** discoverScrapeInterval's seconds, remembered for a minute per Prometheus (the live charts poll every second). */
export function cachedScrapeInterval(prometheusUrl: string): Promise<number | null> {
  const hit = cache.get(prometheusUrl);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.seconds;
  const seconds = discoverScrapeInterval({ prometheusUrl }).then((r) => r.seconds);
  cache.set(prometheusUrl, { at: Date.now(), seconds });
  return seconds;
}
