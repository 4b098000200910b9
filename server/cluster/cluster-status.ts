import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1DaemonSet,
  type V1Deployment,
  type V1Node,
  type V1StatefulSet,
  VersionApi,
} from "@kubernetes/client-node";
import {
  type ClusterInventory,
  detectionCrdNames,
  detectionNamespaces,
  detectMeshes,
  type MeshDetectionResult,
  type ObservedWorkload,
} from "~/core/mesh-detection";
import { parseQuantity } from "~/core/quantity";
import { statusCode } from "./client-node";
import { defaultKubeConfig } from "./kubeconfig";

export interface ClusterNode {
  name: string;
  ready: boolean;
  /** Cordoned nodes take no benchmark pods. */
  schedulable: boolean;
  cpuCores: number | null;
  memoryBytes: number | null;
  kernelVersion: string;
  osImage: string;
  kubeletVersion: string;
  roles: string[];
}

export type ClusterStatus =
  | { connected: false; reason: string; checkedAt: string }
  | {
      connected: true;
      server: string;
      version: { gitVersion: string; platform: string };
      nodes: ClusterNode[];
      meshes: MeshDetectionResult[];
      checkedAt: string;
    };

export interface ClusterStatusOptions {
  /** Default: defaultKubeConfig() (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeConfig?: KubeConfig;
  timeoutMs?: number;
}

/**
 * Reachability, version, nodes and installed meshes of the configured cluster. Never throws:
 * anything that goes wrong is the "not connected" reason the cluster page shows.
 */
export async function readClusterStatus(options: ClusterStatusOptions = {}): Promise<ClusterStatus> {
  const checkedAt = new Date().toISOString();
  let kc: KubeConfig;
  try {
    kc = options.kubeConfig ?? defaultKubeConfig();
  } catch (error) {
    return { connected: false, reason: (error as Error).message, checkedAt };
  }
  const server = kc.getCurrentCluster()?.server ?? "(unknown)";
  const timeoutMs = options.timeoutMs ?? 8_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${server} within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([readConnected(kc, server, checkedAt), timeout]);
  } catch (error) {
    return { connected: false, reason: describeApiError(server, error), checkedAt };
  } finally {
    clearTimeout(timer);
  }
}

async function readConnected(kc: KubeConfig, server: string, checkedAt: string): Promise<ClusterStatus> {
  // The version first: it is the cheapest call and the one that proves the API answers at all.
  const version = await kc.makeApiClient(VersionApi).getCode();
  const [nodes, inventory] = await Promise.all([readNodes(kc), readInventory(kc)]);
  return {
    connected: true,
    server,
    version: { gitVersion: version.gitVersion, platform: version.platform },
    nodes,
    meshes: detectMeshes(inventory),
    checkedAt,
  };
}

async function readNodes(kc: KubeConfig): Promise<ClusterNode[]> {
  const list = await kc.makeApiClient(CoreV1Api).listNode();
  return list.items.map(nodeInfo).sort((a, b) => a.name.localeCompare(b.name));
}

function nodeInfo(node: V1Node): ClusterNode {
  const labels = node.metadata?.labels ?? {};
  const info = node.status?.nodeInfo;
  return {
    name: node.metadata?.name ?? "",
    ready: node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    schedulable: !node.spec?.unschedulable,
    cpuCores: parseQuantity(node.status?.capacity?.cpu),
    memoryBytes: parseQuantity(node.status?.capacity?.memory),
    kernelVersion: info?.kernelVersion ?? "",
    osImage: info?.osImage ?? "",
    kubeletVersion: info?.kubeletVersion ?? "",
    roles: Object.keys(labels)
      .filter((l) => l.startsWith("node-role.kubernetes.io/"))
      .map((l) => l.slice("node-role.kubernetes.io/".length)),
  };
}

/** Workloads in the meshes' namespaces and the CRDs they install, read by name (no cluster-wide lists). */
export async function readInventory(kc: KubeConfig): Promise<ClusterInventory> {
  const apps = kc.makeApiClient(AppsV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const perNamespace = await Promise.all(
    detectionNamespaces().map(async (namespace) => {
      const [deployments, daemonSets, statefulSets] = await Promise.all([
        apps.listNamespacedDeployment({ namespace }),
        apps.listNamespacedDaemonSet({ namespace }),
        apps.listNamespacedStatefulSet({ namespace }),
      ]);
      return [
        ...deployments.items.map((d) => observed("Deployment", d, d.status?.readyReplicas, d.spec?.replicas ?? 1)),
        ...daemonSets.items.map((d) => observed("DaemonSet", d, d.status?.numberReady, d.status?.desiredNumberScheduled)),
        ...statefulSets.items.map((s) => observed("StatefulSet", s, s.status?.readyReplicas, s.spec?.replicas ?? 1)),
      ];
    }),
  );
  const crds = await Promise.all(
    detectionCrdNames().map(async (name) => {
      try {
        await ext.readCustomResourceDefinition({ name });
        return name;
      } catch (error) {
        if (statusCode(error) === 404) return null;
        throw error;
      }
    }),
  );
  return { workloads: perNamespace.flat(), crds: crds.filter((c): c is string => c !== null) };
}

function observed(
  kind: ObservedWorkload["kind"],
  object: V1Deployment | V1DaemonSet | V1StatefulSet,
  ready: number | undefined,
  desired: number | undefined,
): ObservedWorkload {
  return {
    kind,
    namespace: object.metadata?.namespace ?? "",
    name: object.metadata?.name ?? "",
    labels: object.metadata?.labels ?? {},
    containers: (object.spec?.template.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? "" })),
    readyReplicas: ready ?? 0,
    desiredReplicas: desired ?? 0,
  };
}

/** client-node's errors carry the whole response body; keep what a person needs to act on. */
function describeApiError(server: string, error: unknown): string {
  const code = statusCode(error);
  if (code === 401 || code === 403)
    return `${server} refused the credentials (HTTP ${code}): check the kubeconfig user and the worker's RBAC (k8s/rbac)`;
  const message = error instanceof Error ? error.message : String(error);
  // node-fetch says "request to <url> failed, reason: connect ECONNREFUSED …": the reason is the news.
  const short = (message.split("\n")[0] ?? "").replace(/^request to \S+ failed, reason: /, "").slice(0, 300);
  return `${server} is unreachable: ${short}${code ? ` (HTTP ${code})` : ""}`;
}

const CACHE_MS = 10_000;
let cached: { at: number; status: Promise<ClusterStatus> } | null = null;

/**
 * The status at most 10 s old, so a page refresh or a burst of run submissions costs the API
 * server one round of requests. `fresh` skips the cache (the cluster page's refresh button).
 */
export function clusterStatus(fresh = false): Promise<ClusterStatus> {
  if (!fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.status;
  cached = { at: Date.now(), status: readClusterStatus() };
  return cached.status;
}
