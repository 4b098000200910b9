import { ClusterStatusPanel } from "~/components/cluster/cluster-status-panel";

export default function ClusterPage() {
  return (
    <>
      <h1>Cluster</h1>
      <p className="muted">
        The Kubernetes cluster the worker benchmarks on (kubeconfig from KUBECONFIG, ~/.kube/config or the in-cluster service
        account), its nodes, and the meshes installed on it. A run for a mesh that is not installed is refused.
      </p>
      <ClusterStatusPanel />
    </>
  );
}
