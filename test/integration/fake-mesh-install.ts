import { KUBERNETES_MESH_PROFILES, type KubernetesMesh } from "~/server/domain/mesh-profiles";
import type { FakeKubernetesApi } from "./fake-kube-api";

const RESOURCE = { Deployment: "deployments", DaemonSet: "daemonsets", StatefulSet: "statefulsets" } as const;

/**
 * Puts a mesh's control plane into FakeKubernetesApi the way its default install looks: the
 * workloads named in its profile's detection data, ready, tagged with `version`, and its first
 * CRD. For tests of code that needs "the mesh is installed"; detection itself is tested against
 * hand-written objects in mesh-detection.test.ts.
 */
export function installFakeMesh(api: FakeKubernetesApi, mesh: KubernetesMesh, version = "1.0.0", ready = true): void {
  const detection = KUBERNETES_MESH_PROFILES[mesh].detection;
  if (!detection) return;
  const namespace = detection.namespaces[0] ?? "default";
  for (const workload of detection.workloads) {
    const replicas = ready ? 1 : 0;
    api.seed(RESOURCE[workload.kind], {
      apiVersion: "apps/v1",
      kind: workload.kind,
      metadata: { name: workload.names[0] ?? "unnamed", namespace, labels: {} },
      spec: {
        replicas: 1,
        template: { spec: { containers: [{ name: workload.container, image: `example.test/${mesh}:${version}` }] } },
      },
      status: workload.kind === "DaemonSet" ? { numberReady: replicas, desiredNumberScheduled: 1 } : { readyReplicas: replicas },
    });
  }
  const crd = detection.crds[0];
  if (crd) api.crds.add(crd);
}
