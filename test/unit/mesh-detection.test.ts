import { describe, expect, it } from "vitest";
import { type ClusterInventory, detectMeshes, imageTag, meshRefusal, type ObservedWorkload } from "~/core/mesh-detection";
import { parseQuantity } from "~/core/quantity";

/** Workloads as the default installs create them (names, namespaces, images). */
const workload = (w: Partial<ObservedWorkload> & Pick<ObservedWorkload, "kind" | "namespace" | "name">): ObservedWorkload => ({
  labels: {},
  containers: [],
  readyReplicas: 1,
  desiredReplicas: 1,
  ...w,
});

const istiod = workload({
  kind: "Deployment",
  namespace: "istio-system",
  name: "istiod",
  labels: { app: "istiod", "app.kubernetes.io/version": "1.24.2" },
  containers: [{ name: "discovery", image: "docker.io/istio/pilot:1.24.2-distroless" }],
});
const ztunnel = workload({
  kind: "DaemonSet",
  namespace: "istio-system",
  name: "ztunnel",
  containers: [{ name: "istio-proxy", image: "docker.io/istio/ztunnel:1.24.2-distroless" }],
  readyReplicas: 2,
  desiredReplicas: 3,
});
const cilium = workload({
  kind: "DaemonSet",
  namespace: "kube-system",
  name: "cilium",
  containers: [
    {
      name: "cilium-agent",
      image: "quay.io/cilium/cilium:v1.16.5@sha256:758ca0793f5995bb938a2fa219dcce63dc0b3fa7fc4ce5cc851125281fb7361d",
    },
  ],
  readyReplicas: 3,
  desiredReplicas: 3,
});

const byMesh = (inventory: ClusterInventory) => Object.fromEntries(detectMeshes(inventory).map((d) => [d.mesh, d]));

describe("mesh detection", () => {
  it("an empty cluster has only the baseline", () => {
    const found = byMesh({ workloads: [], crds: [] });
    expect(found.baseline?.state).toBe("installed");
    for (const mesh of ["istio", "istio-ambient", "istio-ambient-waypoint", "linkerd", "cilium", "cilium-mutual-auth", "consul"])
      expect(found[mesh]?.state, mesh).toBe("not-installed");
    expect(meshRefusal(found.consul ?? fail())).toBe(
      "Consul is not installed on the cluster: no StatefulSet consul-server in consul; no Deployment consul-connect-injector in consul; none of its CRDs (serviceintentions.consul.hashicorp.com, servicedefaults.consul.hashicorp.com)",
    );
  });

  it("istiod with its CRDs: sidecar Istio installed with the version label; ambient not ready while ztunnel is 2/3", () => {
    const found = byMesh({ workloads: [istiod, ztunnel], crds: ["peerauthentications.security.istio.io"] });
    expect(found.istio).toMatchObject({ state: "installed", version: "1.24.2", problems: [] });
    expect(meshRefusal(found.istio ?? fail())).toBeNull();
    expect(found["istio-ambient"]?.state).toBe("not-ready");
    expect(found["istio-ambient"]?.components.map((c) => `${c.kind} ${c.name} ${c.version} ${c.ready}`)).toEqual([
      "Deployment istiod 1.24.2 1/1",
      "DaemonSet ztunnel 1.24.2-distroless 2/3",
    ]);
    expect(meshRefusal(found["istio-ambient"] ?? fail())).toMatch(
      /^Istio ambient is installed but not ready on the cluster: DaemonSet istio-system\/ztunnel has 2\/3 ready$/,
    );
  });

  it("a revisioned Istio (istiod-<rev>, istio.io/rev) is installed, with its revision; default installs say default", () => {
    const canary = { ...istiod, name: "istiod-1-24-2", labels: { ...istiod.labels, "istio.io/rev": "1-24-2" } };
    const found = byMesh({ workloads: [canary], crds: ["peerauthentications.security.istio.io"] });
    expect(found.istio).toMatchObject({ state: "installed", revision: "1-24-2", version: "1.24.2" });
    expect(found.istio?.components.map((c) => c.name)).toEqual(["istiod-1-24-2"]);
    const plain = byMesh({ workloads: [istiod], crds: ["peerauthentications.security.istio.io"] });
    expect(plain.istio?.revision).toBe("default");
    // Not a revision of istiod: a name that only starts like one.
    const other = byMesh({ workloads: [{ ...istiod, name: "istiod-" }], crds: ["peerauthentications.security.istio.io"] });
    expect(other.istio?.problems[0]).toBe("no Deployment istiod (or a revision of it) in istio-system");
  });

  it("new profiles: a waypoint needs the Gateway API's CRD; Cilium's mutual authentication needs SPIRE", () => {
    const crds = ["peerauthentications.security.istio.io", "ciliumendpoints.cilium.io"];
    const found = byMesh({ workloads: [istiod, { ...ztunnel, readyReplicas: 3, desiredReplicas: 3 }, cilium], crds });
    expect(found["istio-ambient"]?.state).toBe("installed");
    expect(meshRefusal(found["istio-ambient-waypoint"] ?? fail())).toBe(
      "Istio ambient + waypoint is not installed on the cluster: CRD gateways.gateway.networking.k8s.io missing",
    );
    expect(found.cilium?.state).toBe("installed");
    expect(meshRefusal(found["cilium-mutual-auth"] ?? fail())).toMatch(
      /^Cilium \+ mutual auth is not installed on the cluster: SPIRE is not installed \(no StatefulSet spire-server in cilium-spire\)/,
    );
    const spire = workload({ kind: "StatefulSet", namespace: "cilium-spire", name: "spire-server" });
    const withSpire = byMesh({
      workloads: [istiod, ztunnel, cilium, spire],
      crds: [...crds, "gateways.gateway.networking.k8s.io"],
    });
    expect(withSpire["cilium-mutual-auth"]?.state).toBe("installed");
    expect(withSpire["istio-ambient-waypoint"]?.state).toBe("not-ready");
  });

  it("workloads without the CRDs do not count (a half-removed install)", () => {
    const found = byMesh({ workloads: [istiod], crds: [] });
    expect(found.istio?.state).toBe("not-installed");
    expect(found.istio?.problems).toEqual([
      "none of its CRDs (peerauthentications.security.istio.io, virtualservices.networking.istio.io, telemetries.telemetry.istio.io)",
    ]);
  });

  it("Cilium: version from the agent image tag, digest ignored; workloads in another namespace are not the mesh's", () => {
    const found = byMesh({ workloads: [cilium, { ...istiod, namespace: "default" }], crds: ["ciliumendpoints.cilium.io"] });
    expect(found.cilium).toMatchObject({ state: "installed", version: "v1.16.5" });
    expect(found.istio?.state).toBe("not-installed");
  });

  it("image tags and quantities", () => {
    expect(imageTag("registry:5000/istio/pilot:1.24.2")).toBe("1.24.2");
    expect(imageTag("registry:5000/istio/pilot")).toBeNull();
    expect(imageTag("fortio/fortio:latest")).toBeNull();
    expect(parseQuantity("3500m")).toBe(3.5);
    expect(parseQuantity("16331392Ki")).toBe(16331392 * 1024);
    expect(parseQuantity("2Gi")).toBe(2 ** 31);
    expect(parseQuantity("1e3")).toBe(1000);
    expect(parseQuantity("4")).toBe(4);
    expect(parseQuantity("lots")).toBeNull();
    expect(parseQuantity(undefined)).toBeNull();
  });
});

function fail(): never {
  throw new Error("missing detection result");
}
