import type { ResourceTarget } from "./kubernetes-meshes";
import type { ComponentUsage } from "./result";

/**
 * PromQL for the CPU and memory of each component of a Kubernetes run, from the kubelet's cAdvisor
 * series (container_cpu_usage_seconds_total, container_memory_working_set_bytes). Pure: the worker
 * runs the queries (worker/backends/kubernetes/component-resources.ts).
 */

/** Where the run's workload ran and the steady-state window to measure. */
export interface RunWorkload {
  namespace: string;
  /** Pods of the fortio client Job and of the server Deployment, by name. */
  clientPods: readonly string[];
  serverPods: readonly string[];
  /** Nodes hosting the client or server pods: node agents (ztunnel, cilium) are measured there only. */
  nodes: readonly string[];
  windowStart: Date;
  windowEnd: Date;
}

/** How this cluster's Prometheus labels cAdvisor series. */
export interface CadvisorLabels {
  /** The scrape job's name ("kubelet" in kube-prometheus-stack); "" = no job matcher. */
  job: string;
  /** The label carrying the node name ("node" in kube-prometheus-stack). */
  nodeLabel: string;
}

export interface ComponentQuery {
  component: string;
  role: ComponentUsage["role"];
  optional: boolean;
  /** The label matchers, for messages: `job="kubelet", namespace="bench", container="istio-proxy"`. */
  selector: string;
  /** Mean CPU cores over the window (instant query at the window's end). */
  cpu: string;
  /** Peak working-set bytes of the largest matching container over the window. */
  memory: string;
}

export interface ComponentQueries {
  windowSeconds: number;
  /** Unix seconds to evaluate every query at: the window's end. */
  evalTime: number;
  queries: ComponentQuery[];
}

/** A PromQL string literal (Go-style escapes). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** A regex matching exactly this text (RE2 metacharacters escaped). */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** Whole seconds (Prometheus range selectors), at least 1, never past the window's start. */
export function windowSeconds(start: Date, end: Date): number {
  return Math.max(1, Math.floor((end.getTime() - start.getTime()) / 1000));
}

const anyOf = (values: readonly string[]) => values.map(regexLiteral).join("|");

/**
 * Every component to measure: the fortio client and server containers, then the mesh's targets.
 * The container names come from the manifests (worker side), hence parameters.
 */
export function componentQueries(
  targets: readonly ResourceTarget[],
  appContainers: { client: string; server: string },
  workload: RunWorkload,
  labels: CadvisorLabels,
): ComponentQueries {
  const all = withAppContainers(targets, appContainers);
  const seconds = windowSeconds(workload.windowStart, workload.windowEnd);
  const scope: PodScope = {
    namespace: workload.namespace,
    clientPods: anyOf(workload.clientPods),
    serverPods: anyOf(workload.serverPods),
    nodes: anyOf(workload.nodes),
  };
  const queries = all.map((target): ComponentQuery => {
    const selector = matchers(target, scope, labels);
    return {
      component: target.component,
      role: target.role,
      optional: target.optional ?? false,
      selector,
      // increase() over the window / its length = mean cores; sum over pods and node agents on
      // several nodes gives the component's total. Needs two samples in the window, i.e. a window
      // of at least two scrape intervals, else the result is empty (null, not 0).
      cpu: `sum(increase(container_cpu_usage_seconds_total{${selector}}[${seconds}s])) / ${seconds}`,
      // Not summed over instances: the peak of the largest (e.g. one node's ztunnel). A component
      // of several containers (a control-plane pod) is the sum of its containers' peaks per pod.
      memory:
        typeof target.source.container === "string"
          ? `max(max_over_time(container_memory_working_set_bytes{${selector}}[${seconds}s]))`
          : `max(sum by (pod) (max_over_time(container_memory_working_set_bytes{${selector}}[${seconds}s])))`,
    };
  });
  return { windowSeconds: seconds, evalTime: workload.windowEnd.getTime() / 1000, queries };
}

/** The fortio client and server containers first, then the mesh's targets. */
function withAppContainers(
  targets: readonly ResourceTarget[],
  appContainers: { client: string; server: string },
): ResourceTarget[] {
  return [
    { component: "loadgen", role: "loadgen", source: { kind: "workload", pod: "client", container: appContainers.client } },
    { component: "upstream", role: "app", source: { kind: "workload", pod: "server", container: appContainers.server } },
    ...targets,
  ];
}

/** Which pods and nodes are the run's, as PromQL regexes; nodes null = every node. */
interface PodScope {
  namespace: string;
  clientPods: string;
  serverPods: string;
  nodes: string | null;
}

function matchers(target: ResourceTarget, scope: PodScope, labels: CadvisorLabels): string {
  const source = target.source;
  const parts: string[] = [];
  if (labels.job !== "") parts.push(`job=${promString(labels.job)}`);
  switch (source.kind) {
    case "workload": {
      const pods = source.pod === "client" ? scope.clientPods : scope.serverPods;
      parts.push(`namespace=${promString(scope.namespace)}`, `pod=~${promString(pods)}`);
      break;
    }
    case "pods":
      parts.push(`namespace=~${promString(anyOf(source.namespaces))}`, `pod=~${promString(source.podNameRegex)}`);
      if (source.scope === "workload-nodes" && scope.nodes !== null)
        parts.push(`${labels.nodeLabel}=~${promString(scope.nodes)}`);
      break;
    case "run-namespace":
      parts.push(`namespace=${promString(scope.namespace)}`, `pod=~${promString(source.podNameRegex)}`);
      break;
  }
  // The exact container name leaves out the pod cgroup (container="") and the pause container
  // ("POD"). image!="" leaves out the same metric names from the kubelet's /metrics/resource
  // endpoint (no image label), which kube-prometheus-stack scrapes under the same job: summing
  // both would double the CPU.
  const container =
    typeof source.container === "string"
      ? `container=${promString(source.container)}`
      : `container=~${promString(anyOf(source.container))}`;
  parts.push(container, `image!=""`);
  return parts.join(", ");
}

/**
 * irate() looks back this far for the last two samples: two scrapes at kube-prometheus-stack's 30 s
 * kubelet interval. irate, not rate: the run's pods are new, and rate() over a window that starts
 * before a series does divides a few seconds' increase by the whole window, so every component
 * would seem to ramp up over the run's first minute.
 */
const LIVE_RATE_WINDOW_SECONDS = 60;

/** One range query per chart for a cluster run's live CPU and memory: a series per component. */
export interface LiveComponentQueries {
  cpu: string;
  memory: string;
}

/**
 * CPU and working-set memory per component of a cluster run over time, for the run page's charts.
 * Only the run id is known to the web server: the pods are matched by name in the run's namespace
 * (every repetition's client Job has pods of its own, warm-up included), and node agents are
 * summed over every node, their component named "(all nodes)": which nodes the run used only the
 * worker knows, and the stored result measures them there (componentQueries).
 */
export function liveComponentQueries(
  targets: readonly ResourceTarget[],
  appContainers: { client: string; server: string },
  namespace: string,
  labels: CadvisorLabels,
  scrapeIntervalSeconds: number | null = null,
): LiveComponentQueries {
  // Two scrapes and a margin of the cluster's real interval, never less than the usual 60 s.
  const rateWindow =
    scrapeIntervalSeconds === null
      ? LIVE_RATE_WINDOW_SECONDS
      : Math.max(LIVE_RATE_WINDOW_SECONDS, Math.ceil(2.5 * scrapeIntervalSeconds));
  const scope: PodScope = {
    namespace,
    clientPods: `${regexLiteral(appContainers.client)}-.*`,
    serverPods: `${regexLiteral(appContainers.server)}-.*`,
    nodes: null,
  };
  const named = withAppContainers(targets, appContainers).map((target) => {
    const everyNode = target.source.kind === "pods" && target.source.scope === "workload-nodes";
    return { name: everyNode ? `${target.component} (all nodes)` : target.component, selector: matchers(target, scope, labels) };
  });
  // label_replace with an empty source and regex sets the label: one series per component, joined with `or`.
  const union = (inner: (selector: string) => string) =>
    named.map((n) => `label_replace(${inner(n.selector)}, "component", ${promString(n.name)}, "", "")`).join(" or ");
  return {
    cpu: union((selector) => `sum(irate(container_cpu_usage_seconds_total{${selector}}[${rateWindow}s]))`),
    memory: union((selector) => `sum(container_memory_working_set_bytes{${selector}})`),
  };
}

/** A Prometheus duration ("30s", "1m", "1m30s", "500ms") in seconds; null when it is not one. */
export function parsePromDuration(text: string): number | null {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return null;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? ""] ?? 0), 0);
}

/** An active target as Prometheus's /api/v1/targets lists it (the fields used here). */
export interface ScrapeTarget {
  labels: Record<string, string>;
  scrapeUrl?: string;
  scrapeInterval?: string;
}

/**
 * The kubelet's cAdvisor scrape interval from Prometheus's active targets: the targets of the
 * cAdvisor job (or, with no job configured, those scraping /metrics/cadvisor). The longest when
 * they differ: a window must hold two samples of every series. null when no target tells.
 */
export function kubeletScrapeInterval(targets: readonly ScrapeTarget[], labels: CadvisorLabels): number | null {
  const cadvisor = targets.filter((t) =>
    labels.job === "" ? (t.scrapeUrl ?? "").includes("/metrics/cadvisor") : t.labels.job === labels.job,
  );
  const seconds = cadvisor.map((t) => parsePromDuration(t.scrapeInterval ?? "")).filter((s): s is number => s !== null);
  return seconds.length > 0 ? Math.max(...seconds) : null;
}

/** Why a window's CPU may be missing: increase() needs two samples, i.e. two scrapes inside it. */
export function shortWindowWarning(windowSeconds: number, scrapeIntervalSeconds: number | null): string | null {
  if (scrapeIntervalSeconds === null || windowSeconds >= 2 * scrapeIntervalSeconds) return null;
  return `the measured window (${windowSeconds} s) is shorter than two kubelet scrapes (every ${scrapeIntervalSeconds} s): its CPU figures rest on fewer than two samples and may be missing; measure for at least ${Math.ceil(2 * scrapeIntervalSeconds)} s`;
}
