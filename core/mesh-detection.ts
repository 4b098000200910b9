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
  /** The control plane's revision when it has one (Istio: istio.io/rev of istiod, "default" without a revision). */
  revision: string | null;
}

/** Every CRD some profile looks for: the cluster page asks for these by name. */
export function detectionCrdNames(): string[] {
  return [
    ...new Set(
      KUBERNETES_MESHES.flatMap((m) => {
        const detection = KUBERNETES_MESH_PROFILES[m].detection;
        return [...(detection?.crds ?? []), ...(detection?.requiredCrds ?? [])];
      }),
    ),
  ];
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
  const base = {
    mesh,
    label: profile.label,
    components: [] as DetectedComponent[],
    problems: [] as string[],
    revision: null as string | null,
  };
  const detection = profile.detection;
  if (!detection) return { ...base, displayName: profile.label, state: "installed", version: null };

  const problems: string[] = [];
  const components: DetectedComponent[] = [];
  let notReady = false;
  let revision: string | null = null;
  let missing = false;
  for (const expected of detection.workloads) {
    const candidates = inventory.workloads.filter(
      (w) => w.kind === expected.kind && detection.namespaces.includes(w.namespace) && workloadNameMatches(expected, w.name),
    );
    // The exact name first (a default install), then the best-ready of the pattern's (e.g. istiod-<rev>).
    const found =
      candidates.find((w) => expected.names.includes(w.name)) ??
      [...candidates].sort((a, b) => readyShare(b) - readyShare(a) || a.name.localeCompare(b.name))[0];
    if (!found) {
      missing = true;
      problems.push(
        expected.missingReason ??
          `no ${expected.kind} ${expected.names.join(" or ")}${expected.namePattern ? " (or a revision of it)" : ""} in ${detection.namespaces.join(" or ")}`,
      );
      continue;
    }
    if (expected.revisionLabel && revision === null) revision = found.labels[expected.revisionLabel] ?? "default";
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
    missing = true;
    problems.push(`none of its CRDs (${detection.crds.join(", ")})`);
  }
  const absent = (detection.requiredCrds ?? []).filter((crd) => !inventory.crds.includes(crd));
  if (absent.length > 0) {
    missing = true;
    problems.push(`CRD ${absent.join(", ")} missing`);
  }
  const state: MeshInstallState = missing ? "not-installed" : notReady ? "not-ready" : "installed";
  return {
    ...base,
    revision,
    displayName: detection.displayName,
    state,
    version: components.find((c) => c.version)?.version ?? null,
    components,
    problems,
  };
}

function workloadNameMatches(expected: DetectedWorkload, name: string): boolean {
  return expected.names.includes(name) || (expected.namePattern !== undefined && new RegExp(expected.namePattern).test(name));
}

function readyShare(w: ObservedWorkload): number {
  return w.desiredReplicas > 0 ? w.readyReplicas / w.desiredReplicas : 0;
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
