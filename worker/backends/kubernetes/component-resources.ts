import {
  type CadvisorLabels,
  type ComponentQuery,
  componentQueries,
  type RunWorkload,
  shortWindowWarning,
} from "~/core/cadvisor-queries";
import { CLIENT_NAME, SERVER_NAME } from "~/core/cluster-names";
import type { ResourceTarget } from "~/core/kubernetes-meshes";
import type { ComponentUsage } from "~/core/result";
import { env } from "~/server/env";
import { queryInstant } from "~/server/metrics/prometheus";

/**
 * CPU and working-set memory per component of a Kubernetes run, from the cluster Prometheus's
 * cAdvisor series over the steady-state window. A figure that cannot be had is null with a warning
 * (never 0, never an exception): a run's latency result is worth keeping without it.
 *
 * For the cluster, ComponentUsage.maxRssBytes holds the peak cAdvisor working set (what the kubelet
 * evicts on), not the resident set the local backend reads from /proc.
 */
export interface MeasureComponentResourcesOptions {
  /** The mesh profile's targets (kubernetesMeshProfile(mesh).resources); loadgen and upstream are added. */
  resources: readonly ResourceTarget[];
  workload: RunWorkload;
  /** Defaults: CADVISOR_JOB and CADVISOR_NODE_LABEL. */
  cadvisor?: CadvisorLabels;
  /** Default: PROMETHEUS_URL. */
  prometheusUrl?: string;
  /** The cluster's kubelet scrape interval (discoverScrapeInterval); null when it could not be told. */
  scrapeIntervalSeconds?: number | null;
}

/** kube-prometheus-stack's kubelet interval: assumed when the real one could not be told. */
const USUAL_SCRAPE_SECONDS = 30;

export async function measureComponentResources(
  opts: MeasureComponentResourcesOptions,
): Promise<{ components: ComponentUsage[]; warnings: string[] }> {
  const cadvisor = opts.cadvisor ?? { job: env.CADVISOR_JOB, nodeLabel: env.CADVISOR_NODE_LABEL };
  const baseUrl = opts.prometheusUrl ?? env.PROMETHEUS_URL;
  const plan = componentQueries(opts.resources, { client: CLIENT_NAME, server: SERVER_NAME }, opts.workload, cadvisor);
  // Settled one by one: a failed query costs its figure only.
  const ask = (promql: string) =>
    queryInstant(promql, plan.evalTime, baseUrl).then(
      (samples) => ({ value: samples[0]?.value ?? null, error: null }),
      (error: unknown) => ({ value: null, error: error instanceof Error ? error.message : String(error) }),
    );
  const answers = await Promise.all(
    plan.queries.map(async (q) => {
      const [cpu, memory] = await Promise.all([ask(q.cpu), ask(q.memory)]);
      const usage: ComponentUsage = { component: q.component, role: q.role, cpuCores: cpu.value, maxRssBytes: memory.value };
      return { q, usage, error: cpu.error ?? memory.error };
    }),
  );
  const components = answers.map((a) => a.usage);

  // Every component failed: Prometheus is down or unreachable, and one warning says it all.
  if (answers.every((a) => a.error !== null)) {
    return { components, warnings: [`component CPU and memory not measured: ${answers[0]?.error ?? "no components"}`] };
  }
  const warnings: string[] = [];
  const scrapeSeconds = opts.scrapeIntervalSeconds ?? null;
  const short = shortWindowWarning(plan.windowSeconds, scrapeSeconds);
  if (short) warnings.push(short);
  for (const { q, usage, error } of answers) {
    if (error !== null) warnings.push(`${q.component}: ${error}`);
    else if (usage.cpuCores === null && usage.maxRssBytes === null) {
      if (!q.optional) warnings.push(noSeries(q, plan.windowSeconds, scrapeSeconds ?? USUAL_SCRAPE_SECONDS));
    } else if (usage.cpuCores === null) {
      warnings.push(`CPU of ${q.component} not measured: fewer than two cAdvisor samples in the ${plan.windowSeconds} s window`);
    }
  }
  return { components, warnings };
}

function noSeries(q: ComponentQuery, windowSeconds: number, scrapeSeconds: number): string {
  const hint =
    windowSeconds < 2 * scrapeSeconds ? ` (or the ${windowSeconds} s window is shorter than two scrape intervals)` : "";
  return `no cAdvisor series for ${q.component} (${q.selector}): is Prometheus scraping the kubelet's cAdvisor?${hint}`;
}
