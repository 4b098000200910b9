import type { ResourceTarget } from "./mesh-profiles";
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
  const all: ResourceTarget[] = [
    { component: "loadgen", role: "loadgen", source: { kind: "workload", pod: "client", container: appContainers.client } },
    { component: "upstream", role: "app", source: { kind: "workload", pod: "server", container: appContainers.server } },
    ...targets,
  ];
  const seconds = windowSeconds(workload.windowStart, workload.windowEnd);
  const queries = all.map((target): ComponentQuery => {
    const selector = matchers(target, workload, labels);
    return {
      component: target.component,
      role: target.role,
      optional: target.optional ?? false,
      selector,
      // increase() over the window / its length = mean cores; sum over pods and node agents on
      // several nodes gives the component's total. Needs two samples in the window, i.e. a window
      // of at least two scrape intervals, else the result is empty (null, not 0).
      cpu: `sum(increase(container_cpu_usage_seconds_total{${selector}}[${seconds}s])) / ${seconds}`,
      // Per container, not summed: the peak of the largest instance (e.g. one node's ztunnel).
      memory: `max(max_over_time(container_memory_working_set_bytes{${selector}}[${seconds}s]))`,
    };
  });
  return { windowSeconds: seconds, evalTime: workload.windowEnd.getTime() / 1000, queries };
}

function matchers(target: ResourceTarget, workload: RunWorkload, labels: CadvisorLabels): string {
  const source = target.source;
  const parts: string[] = [];
  if (labels.job !== "") parts.push(`job=${promString(labels.job)}`);
  switch (source.kind) {
    case "workload": {
      const pods = source.pod === "client" ? workload.clientPods : workload.serverPods;
      parts.push(`namespace=${promString(workload.namespace)}`, `pod=~${promString(anyOf(pods))}`);
      break;
    }
    case "pods":
      parts.push(`namespace=~${promString(anyOf(source.namespaces))}`, `pod=~${promString(source.podNameRegex)}`);
      if (source.scope === "workload-nodes") parts.push(`${labels.nodeLabel}=~${promString(anyOf(workload.nodes))}`);
      break;
    case "run-namespace":
      parts.push(`namespace=${promString(workload.namespace)}`, `pod=~${promString(source.podNameRegex)}`);
      break;
  }
  // The exact container name leaves out the pod cgroup (container="") and the pause container
  // ("POD"). image!="" leaves out the same metric names from the kubelet's /metrics/resource
  // endpoint (no image label), which kube-prometheus-stack scrapes under the same job: summing
  // both would double the CPU.
  parts.push(`container=${promString(source.container)}`, `image!=""`);
  return parts.join(", ");
}
