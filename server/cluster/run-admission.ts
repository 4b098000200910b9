import type { KubernetesMesh } from "~/core/kubernetes-meshes";
import { meshRefusal } from "~/core/mesh-detection";
import { type ClusterStatus, clusterStatus } from "./cluster-status";

/**
 * Why a Kubernetes run for this mesh cannot be accepted now, or null. Reads the cluster fresh:
 * a submission is rare, and a mesh installed a second ago must count.
 */
export async function clusterRunRefusal(mesh: KubernetesMesh, status?: ClusterStatus): Promise<string | null> {
  const current = status ?? (await clusterStatus(true));
  if (!current.connected) return `Kubernetes not connected: ${current.reason}`;
  const detection = current.meshes.find((m) => m.mesh === mesh);
  return detection ? meshRefusal(detection) : null;
}
