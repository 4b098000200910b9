import { readFileSync } from "node:fs";
import path from "node:path";
import { KUBERNETES_MESH_PROFILES, type KubernetesMesh } from "~/core/kubernetes-meshes";
import type { FakeKubernetesApi, FakeKubernetesApiOptions } from "./fake-kube-api";

/** How FakeKubernetesApi's "cluster" behaves in the tests of the Kubernetes backend. */
const fixtures = path.resolve(import.meta.dirname, "../fixtures");
const bpftraceOutput = (probe: string) => readFileSync(path.join(fixtures, `bpftrace/probe-${probe}.jsonl`), "utf8");
/** Real fortio output (fortio load -json), 10,000 requests at 1000 qps. */
export const FORTIO_LOG = readFileSync(path.join(fixtures, "fortio/fixed-rate-1000qps.json"), "utf8");

/**
 * A cluster where pods become ready at once (with the mesh's sidecar, if given) and the client
 * pod's driver succeeds with FORTIO_LOG. A probe pod attaches at once (its log shows bpftrace's BEGIN) and ends
 * with its recorded output when the measured fortio pod ends.
 */
export function healthyFakeCluster(sidecar?: {
  container: string;
  annotations: Record<string, string>;
}): FakeKubernetesApiOptions {
  const probePods: { pod: string; probe: string }[] = [];
  return {
    onDeploymentCreated: (api, namespace, _d, pod) =>
      api.setPodReady(namespace, pod, sidecar ? { extraContainers: [sidecar.container], annotations: sidecar.annotations } : {}),
    onJobCreated: (api, namespace, job, pod) => {
      const probe = job.metadata.annotations?.["meshbench.io/probe"];
      if (probe) {
        api.setPodReady(namespace, pod);
        api.setPodLog(namespace, pod, `${bpftraceOutput(probe).split("\n").slice(0, 2).join("\n")}\n`);
        probePods.push({ pod, probe });
        return;
      }
      // A client pod: the probes end with the load, and the driver's log is fortio's JSON alone.
      for (const p of probePods.splice(0)) api.finishPod(namespace, p.pod, 0, bpftraceOutput(p.probe));
      api.finishPod(namespace, pod, 0, FORTIO_LOG);
    },
  };
}

const RESOURCE = { Deployment: "deployments", DaemonSet: "daemonsets", StatefulSet: "statefulsets" } as const;

/**
 * Puts a mesh's control plane into FakeKubernetesApi the way its default install looks: the
 * workloads named in its profile's detection data, ready, tagged with `version`, and its first
 * CRD. For tests of code that needs "the mesh is installed"; detection itself is tested against
 * hand-written objects in mesh-detection.test.ts.
 */
export function installFakeMesh(
  api: FakeKubernetesApi,
  mesh: KubernetesMesh,
  version = "1.0.0",
  ready = true,
  options: { istioRevision?: string } = {},
): void {
  const detection = KUBERNETES_MESH_PROFILES[mesh].detection;
  if (!detection) return;
  const namespace = detection.namespaces[0] ?? "default";
  for (const workload of detection.workloads) {
    const replicas = ready ? 1 : 0;
    const first = workload.names[0] ?? "unnamed";
    // istio/istio manifests/charts/istio-control/istio-discovery/templates/deployment.yaml:
    // name istiod-<revision>, label istio.io/rev: <revision> (or "default").
    const revisioned = first === "istiod" && options.istioRevision !== undefined;
    api.seed(RESOURCE[workload.kind], {
      apiVersion: "apps/v1",
      kind: workload.kind,
      metadata: {
        name: revisioned ? `istiod-${options.istioRevision}` : first,
        namespace,
        labels: first === "istiod" ? { "istio.io/rev": options.istioRevision ?? "default" } : {},
      },
      spec: {
        replicas: 1,
        template: { spec: { containers: [{ name: workload.container, image: `example.test/${mesh}:${version}` }] } },
      },
      status: workload.kind === "DaemonSet" ? { numberReady: replicas, desiredNumberScheduled: 1 } : { readyReplicas: replicas },
    });
  }
  const crd = detection.crds[0];
  if (crd) api.crds.add(crd);
  for (const required of detection.requiredCrds ?? []) api.crds.add(required);
}
