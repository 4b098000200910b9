import { type DetectedWorkload, KUBERNETES_MESH_PROFILES, KUBERNETES_MESHES, type KubernetesMesh } from "./kubernetes-meshes";
import { MESHES } from "./meshes";

/**
 * Which meshes a cluster has, from what the cluster page reads (workloads in the meshes' default
 * namespaces and the CRDs they install), judged against each profile's detection data. Pure: the
 * I/O lives in server/cluster/cluster-status.ts.
 */

/** A Deployment, DaemonSet or StatefulSet as detection sees it. */
export interface ObservedWorkload {
  kind: DetectedWorkload["kind"];
  namespace: string;
  name: string;
  labels: Record<string, string>;
  containers: readonly { name: string; image: string }[];
  readyReplicas: number;
  desiredReplicas: number;
}

export interface ClusterInventory {
  workloads: readonly ObservedWorkload[];
  /** Names of the CustomResourceDefinitions that exist, among those the profiles look for. */
  crds: readonly string[];
}

export type MeshInstallState = "installed" | "not-ready" | "not-installed";

export interface DetectedComponent {
  kind: DetectedWorkload["kind"];
  namespace: string;
  name: string;
  version: string | null;
  /** e.g. "1/1" ready replicas (DaemonSets: ready pods / scheduled pods). */
  ready: string;
}

export interface MeshDetectionResult {
  mesh: KubernetesMesh;
  label: string;
  /** e.g. "Istio (istiod)"; the label for baseline. */
  displayName: string;
  state: MeshInstallState;
  /** Version of the first detected component, when its labels or image tag tell. */
  version: string | null;
  components: DetectedComponent[];
  /** Why it is not installed or not ready; empty when installed. */
  problems: string[];
}

/** Every CRD some profile looks for: the cluster page asks for these by name. */
export function detectionCrdNames(): string[] {
  return [...new Set(KUBERNETES_MESHES.flatMap((m) => KUBERNETES_MESH_PROFILES[m].detection?.crds ?? []))];
}

/** Every namespace some profile's components live in. */
export function detectionNamespaces(): string[] {
  return [...new Set(KUBERNETES_MESHES.flatMap((m) => KUBERNETES_MESH_PROFILES[m].detection?.namespaces ?? []))];
}

/** "registry/istio/pilot:1.24.2@sha256:…" → "1.24.2"; null for an untagged or "latest" image. */
export function imageTag(image: string): string | null {
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon <= lastSlash) return null;
  const tag = withoutDigest.slice(colon + 1);
  return tag && tag !== "latest" ? tag : null;
}

function componentVersion(expected: DetectedWorkload, observed: ObservedWorkload): string | null {
  for (const label of expected.versionLabels) {
    const value = observed.labels[label];
    if (value) return value;
  }
  const container = observed.containers.find((c) => c.name === expected.container) ?? observed.containers[0];
  return container ? imageTag(container.image) : null;
}

export function detectMesh(mesh: KubernetesMesh, inventory: ClusterInventory): MeshDetectionResult {
  const profile = KUBERNETES_MESH_PROFILES[mesh];
  const base = { mesh, label: profile.label, components: [] as DetectedComponent[], problems: [] as string[] };
  const detection = profile.detection;
  if (!detection) return { ...base, displayName: profile.label, state: "installed", version: null };

  const problems: string[] = [];
  const components: DetectedComponent[] = [];
  let notReady = false;
  for (const expected of detection.workloads) {
    const found = inventory.workloads.find(
      (w) => w.kind === expected.kind && expected.names.includes(w.name) && detection.namespaces.includes(w.namespace),
    );
    if (!found) {
      problems.push(`no ${expected.kind} ${expected.names.join(" or ")} in ${detection.namespaces.join(" or ")}`);
      continue;
    }
    components.push({
      kind: found.kind,
      namespace: found.namespace,
      name: found.name,
      version: componentVersion(expected, found),
      ready: `${found.readyReplicas}/${found.desiredReplicas}`,
    });
    if (found.desiredReplicas === 0 || found.readyReplicas < found.desiredReplicas) {
      notReady = true;
      problems.push(`${found.kind} ${found.namespace}/${found.name} has ${found.readyReplicas}/${found.desiredReplicas} ready`);
    }
  }
  if (!detection.crds.some((crd) => inventory.crds.includes(crd))) {
    problems.push(`none of its CRDs (${detection.crds.join(", ")})`);
  }
  const missing = components.length < detection.workloads.length || problems.some((p) => p.startsWith("none of its CRDs"));
  const state: MeshInstallState = missing ? "not-installed" : notReady ? "not-ready" : "installed";
  return {
    ...base,
    displayName: detection.displayName,
    state,
    version: components.find((c) => c.version)?.version ?? null,
    components,
    problems,
  };
}

export function detectMeshes(inventory: ClusterInventory): MeshDetectionResult[] {
  return KUBERNETES_MESHES.map((mesh) => detectMesh(mesh, inventory));
}

/** Why a run for this mesh must be refused, or null when the mesh is there and ready. */
export function meshRefusal(detection: MeshDetectionResult): string | null {
  if (detection.state === "installed") return null;
  const what = MESHES[detection.mesh].label;
  const verb = detection.state === "not-ready" ? "is installed but not ready" : "is not installed";
  return `${what} ${verb} on the cluster: ${detection.problems.join("; ")}`;
}
