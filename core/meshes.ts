/**
 * The mesh catalog: every profile a run can target, with the backend that can run it.
 * The local backend has real stand-ins for a sidecar mesh: a client-side and a server-side
 * proxy in the request path, the way a mesh puts one proxy next to each workload.
 */
export const MESH_PROFILES = [
  "baseline",
  "nginx",
  "haproxy",
  "istio",
  "istio-ambient",
  "istio-ambient-waypoint",
  "linkerd",
  "cilium",
  "cilium-mutual-auth",
  "consul",
] as const;
export type MeshProfile = (typeof MESH_PROFILES)[number];

export const BACKENDS = ["LOCAL", "KUBERNETES"] as const;
export type BackendKind = (typeof BACKENDS)[number];

export interface MeshInfo {
  id: MeshProfile;
  label: string;
  description: string;
  /** Backends that can run this profile today. */
  backends: readonly BackendKind[];
  /** Number of proxy hops a request crosses between load generator and upstream. */
  proxyHops: number;
}

export const MESHES: Record<MeshProfile, MeshInfo> = {
  baseline: {
    id: "baseline",
    label: "Baseline (no mesh)",
    description: "Load generator talks straight to the upstream: the floor every mesh is measured against.",
    backends: ["LOCAL", "KUBERNETES"],
    proxyHops: 0,
  },
  nginx: {
    id: "nginx",
    label: "nginx proxy pair",
    description: "Client-side nginx → server-side nginx → upstream, keep-alive on every hop: two L7 hops like a sidecar mesh.",
    backends: ["LOCAL"],
    proxyHops: 2,
  },
  haproxy: {
    id: "haproxy",
    label: "HAProxy proxy pair",
    description: "Client-side HAProxy → server-side HAProxy → upstream, keep-alive on every hop.",
    backends: ["LOCAL"],
    proxyHops: 2,
  },
  istio: { id: "istio", label: "Istio (sidecar)", description: "Envoy sidecar per pod.", backends: ["KUBERNETES"], proxyHops: 2 },
  "istio-ambient": {
    id: "istio-ambient",
    label: "Istio ambient",
    description: "ztunnel per node: L4 with mTLS, no waypoint.",
    backends: ["KUBERNETES"],
    proxyHops: 2,
  },
  "istio-ambient-waypoint": {
    id: "istio-ambient-waypoint",
    label: "Istio ambient + waypoint",
    description: "ztunnel per node and a Gateway API waypoint (Envoy) for the namespace: L7 with mTLS.",
    backends: ["KUBERNETES"],
    proxyHops: 3,
  },
  linkerd: {
    id: "linkerd",
    label: "Linkerd",
    description: "linkerd2-proxy sidecar per pod.",
    backends: ["KUBERNETES"],
    proxyHops: 2,
  },
  cilium: {
    id: "cilium",
    label: "Cilium",
    description: "eBPF datapath; L7 through the server node's Envoy (an HTTP policy), no mutual authentication.",
    backends: ["KUBERNETES"],
    proxyHops: 1,
  },
  "cilium-mutual-auth": {
    id: "cilium-mutual-auth",
    label: "Cilium + mutual auth",
    description: "As Cilium, with the policy requiring mutual authentication (SPIRE identities).",
    backends: ["KUBERNETES"],
    proxyHops: 1,
  },
  consul: {
    id: "consul",
    label: "Consul",
    description: "Envoy sidecar via consul-dataplane.",
    backends: ["KUBERNETES"],
    proxyHops: 2,
  },
};

export function meshesFor(backend: BackendKind): MeshInfo[] {
  return MESH_PROFILES.map((id) => MESHES[id]).filter((m) => m.backends.includes(backend));
}
