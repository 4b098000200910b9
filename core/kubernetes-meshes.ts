import { MESHES, type MeshProfile } from "./meshes";
import type { ComponentUsage } from "./result";

/**
 * How each mesh is used on Kubernetes, as data: how the benchmark's
 * namespace and pods join the mesh, which containers to attribute CPU and memory to, when the
 * workload counts as ready, and how to tell that the mesh is installed. Pure: the cluster backend,
 * the cluster page and the manifests all read it.
 *
 * Names and labels are those of each mesh's default install (Helm charts / CLI installers); the
 * detection lists accept the usual alternatives. Verify against a real cluster before relying on
 * the version read-outs.
 */

export const KUBERNETES_MESHES = [
  "baseline",
  "istio",
  "istio-ambient",
  "istio-ambient-waypoint",
  "linkerd",
  "cilium",
  "cilium-mutual-auth",
  "consul",
] as const;
export type KubernetesMesh = (typeof KUBERNETES_MESHES)[number];

export function isKubernetesMesh(mesh: MeshProfile): mesh is KubernetesMesh {
  return (KUBERNETES_MESHES as readonly string[]).includes(mesh);
}

/** What the benchmark's objects carry to join the mesh. */
export interface MeshJoin {
  namespaceLabels: Record<string, string>;
  namespaceAnnotations: Record<string, string>;
  /** On every pod template (server Deployment and client Job). */
  podAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
  /**
   * On the client Job's pod only: the proxy as a native sidecar, so the Job can complete. The
   * backend does not depend on it (it waits for fortio's container and deletes the Job), but a
   * Job left behind then finishes and is garbage-collected by its TTL.
   */
  clientPodAnnotations: Record<string, string>;
  /**
   * A namespace label whose value is the detected control plane's revision (Istio: `istio.io/rev`,
   * which the injection webhook of every install answers, revisioned or not; `istio-injection`
   * is answered only by a default-revision install).
   */
  revisionNamespaceLabel?: string;
}

/** Where the CPU and memory of one component come from (cAdvisor series, per container). */
export type ResourceSource =
  /** A container in the benchmark's own pods (client = the fortio Job's pod, server = the Deployment's). */
  | { kind: "workload"; pod: "client" | "server"; container: string }
  /** Pods of the mesh outside the benchmark, e.g. a node agent or the control plane. */
  | {
      kind: "pods";
      namespaces: readonly string[];
      /** Prometheus label matcher on the pod name (regex), since cAdvisor series carry no pod labels. */
      podNameRegex: string;
      /** One container, or several summed (e.g. every container of a control-plane pod). */
      container: string | readonly string[];
      /** node agents: only the nodes that host the client or server pods. */
      scope: "workload-nodes" | "cluster";
    }
  /** Pods in the benchmark's namespace that the mesh created (e.g. an ambient waypoint), if any. */
  | { kind: "run-namespace"; podNameRegex: string; container: string };

/** What a profile's run measures, as facts the run page and the compare page show. */
export interface ProfileFacts {
  /** L7: the proxies parse HTTP (per-request routing, retries, HTTP metrics); L4: they forward TCP; none: no proxy. */
  proxying: "none" | "L4" | "L7";
  /** mTLS between the proxies; "authentication only": peers are authenticated, traffic is not encrypted. */
  mtls: "yes" | "no" | "authentication only";
  /** Proxies a request crosses from fortio client to fortio server (client and server on different nodes). */
  proxyHops: number;
  /** Those proxies in order, for the run page. */
  path: string;
}

export interface ResourceTarget {
  component: string;
  role: ComponentUsage["role"];
  source: ResourceSource;
  /** A figure that may legitimately be absent (e.g. no waypoint deployed): missing, not an error. */
  optional?: boolean;
}

export interface MeshReadiness {
  /** Containers each benchmark pod must run, ready, before measuring (app + sidecar = 2). */
  containersPerPod: number;
  /** Names that must be among them (a native sidecar shows up as a restartable init container). */
  requiredContainers: readonly string[];
  /** Annotations the mesh sets on a pod once it is enrolled (value "*" = any value). */
  podAnnotations: Record<string, string>;
}

/**
 * cilium-http: a CiliumNetworkPolicy with an HTTP rule on the server's port, which is what makes
 * Cilium send the requests through the node's Envoy (L7); without one Cilium forwards them in
 * eBPF only, and the run would measure a CNI, not a mesh.
 */
export type L7Policy = "none" | "cilium-http";

export interface DetectedWorkload {
  kind: "Deployment" | "DaemonSet" | "StatefulSet";
  names: readonly string[];
  /** Also matches a name of this pattern (e.g. a revisioned istiod-<rev>). */
  namePattern?: string;
  /** The label holding the control plane's revision (Istio: istio.io/rev), if it has one. */
  revisionLabel?: string;
  /** Said when it is missing instead of "no <kind> <name>", e.g. what the profile needs it for. */
  missingReason?: string;
  /** The version is read from this container's image tag (or the labels below, when present). */
  container: string;
  versionLabels: readonly string[];
}

export interface MeshDetection {
  /** Where the mesh's components live in a default install (the first that exists is used). */
  namespaces: readonly string[];
  /** Every entry must be found for the mesh to count as installed. */
  workloads: readonly DetectedWorkload[];
  /** CustomResourceDefinitions the mesh installs; at least one must exist. */
  crds: readonly string[];
  /** CustomResourceDefinitions that must all exist (e.g. the Gateway API's for a waypoint). */
  requiredCrds?: readonly string[];
  /** The name the cluster page shows for the detected component. */
  displayName: string;
}

export interface KubernetesMeshProfile {
  mesh: KubernetesMesh;
  label: string;
  join: MeshJoin;
  /** Proxy containers, node agents and the control plane; the client and server app containers are always measured too. */
  resources: readonly ResourceTarget[];
  readiness: MeshReadiness;
  l7Policy: L7Policy;
  /** null for baseline: nothing to detect. */
  detection: MeshDetection | null;
  /** What a reader must know about this profile's measurement. */
  notes: readonly string[];
  facts: ProfileFacts;
  /** Consul: ServiceDefaults (protocol http) and ServiceIntentions (client → server) for the run's services. */
  consulConfig?: boolean;
  /** Istio ambient: a Gateway API waypoint in the run's namespace, used by the namespace (istio.io/use-waypoint). */
  waypoint?: boolean;
  /** Cilium: the L7 policy also requires mutual authentication (SPIFFE identities from SPIRE). */
  mutualAuth?: boolean;
}

const noJoin: MeshJoin = {
  namespaceLabels: {},
  namespaceAnnotations: {},
  podAnnotations: {},
  podLabels: {},
  clientPodAnnotations: {},
};

const sidecars = (container: string): ResourceTarget[] => [
  { component: "proxy-client", role: "proxy", source: { kind: "workload", pod: "client", container } },
  { component: "proxy-server", role: "proxy", source: { kind: "workload", pod: "server", container } },
];

const ISTIO_NAMESPACES = ["istio-system"] as const;
const istiod: ResourceTarget = {
  component: "istiod",
  role: "control-plane",
  source: { kind: "pods", namespaces: ISTIO_NAMESPACES, podNameRegex: "istiod-.*", container: "discovery", scope: "cluster" },
};
const istioCrds = [
  "peerauthentications.security.istio.io",
  "virtualservices.networking.istio.io",
  "telemetries.telemetry.istio.io",
];
/**
 * istiod, or istiod-<revision> for a revisioned install (istio/istio
 * manifests/charts/istio-control/istio-discovery/templates/deployment.yaml: name
 * istiod[-<revision>], label istio.io/rev: <revision> or "default").
 */
const istiodWorkload: DetectedWorkload = {
  kind: "Deployment",
  names: ["istiod"],
  namePattern: "^istiod-[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
  container: "discovery",
  versionLabels: ["app.kubernetes.io/version"],
  revisionLabel: "istio.io/rev",
};
const ztunnelWorkload: DetectedWorkload = {
  kind: "DaemonSet",
  names: ["ztunnel"],
  container: "istio-proxy",
  versionLabels: ["app.kubernetes.io/version"],
};
const ztunnel: ResourceTarget = {
  component: "ztunnel",
  role: "proxy",
  // The ztunnel DaemonSet's container is named istio-proxy in Istio's charts.
  source: {
    kind: "pods",
    namespaces: ISTIO_NAMESPACES,
    podNameRegex: "ztunnel-.*",
    container: "istio-proxy",
    scope: "workload-nodes",
  },
};
/** The waypoint Istio deploys for the run's Gateway: pods named after it, container istio-proxy (istio-discovery files/waypoint.yaml). */
export const WAYPOINT_NAME = "waypoint";
const ambientJoin: MeshJoin = { ...noJoin, namespaceLabels: { "istio.io/dataplane-mode": "ambient" } };
const ambientReadiness: MeshReadiness = {
  containersPerPod: 1,
  requiredContainers: [],
  // No sidecar; istio-cni marks a pod once its traffic is redirected into ztunnel.
  podAnnotations: { "ambient.istio.io/redirection": "enabled" },
};

const CILIUM_NAMESPACES = ["kube-system", "cilium"] as const;
const ciliumResources: ResourceTarget[] = [
  {
    component: "cilium-agent",
    role: "proxy",
    source: {
      kind: "pods",
      namespaces: CILIUM_NAMESPACES,
      podNameRegex: "cilium-[a-z0-9]{5}",
      container: "cilium-agent",
      scope: "workload-nodes",
    },
  },
  {
    component: "cilium-envoy",
    role: "proxy",
    // Cilium ≥ 1.16 runs Envoy as its own DaemonSet; older versions embed it in the agent.
    source: {
      kind: "pods",
      namespaces: CILIUM_NAMESPACES,
      podNameRegex: "cilium-envoy-.*",
      container: "cilium-envoy",
      scope: "workload-nodes",
    },
    optional: true,
  },
  {
    component: "cilium-operator",
    role: "control-plane",
    source: {
      kind: "pods",
      namespaces: CILIUM_NAMESPACES,
      podNameRegex: "cilium-operator-.*",
      container: "cilium-operator",
      scope: "cluster",
    },
  },
];
const ciliumDetection: MeshDetection = {
  namespaces: CILIUM_NAMESPACES,
  workloads: [{ kind: "DaemonSet", names: ["cilium"], container: "cilium-agent", versionLabels: [] }],
  crds: ["ciliumnetworkpolicies.cilium.io", "ciliumendpoints.cilium.io"],
  displayName: "Cilium agent",
};
const ciliumNote =
  "eBPF datapath, no proxy per pod. MeshBench applies a CiliumNetworkPolicy with an HTTP rule on the server, so requests cross the server node's Envoy (one L7 hop); without it they would not cross Envoy at all.";

export const KUBERNETES_MESH_PROFILES: Record<KubernetesMesh, KubernetesMeshProfile> = {
  baseline: {
    mesh: "baseline",
    label: MESHES.baseline.label,
    join: noJoin,
    resources: [],
    readiness: { containersPerPod: 1, requiredContainers: [], podAnnotations: {} },
    l7Policy: "none",
    detection: null,
    notes: ["No mesh: pod to pod through the cluster's CNI, the floor every mesh is measured against."],
    facts: { proxying: "none", mtls: "no", proxyHops: 0, path: "fortio client → fortio server (the CNI only)" },
  },
  istio: {
    mesh: "istio",
    label: MESHES.istio.label,
    join: {
      ...noJoin,
      revisionNamespaceLabel: "istio.io/rev",
      // Istio ≥ 1.24 honours this per pod: istio-proxy becomes a native sidecar, so the Job can complete.
      clientPodAnnotations: { "sidecar.istio.io/nativeSidecar": "true" },
    },
    resources: [...sidecars("istio-proxy"), istiod],
    readiness: { containersPerPod: 2, requiredContainers: ["istio-proxy"], podAnnotations: { "sidecar.istio.io/status": "*" } },
    l7Policy: "none",
    detection: {
      namespaces: ISTIO_NAMESPACES,
      workloads: [istiodWorkload],
      crds: istioCrds,
      displayName: "Istio (istiod)",
    },
    notes: [
      "Two Envoy sidecars in the path: client pod's istio-proxy, server pod's istio-proxy.",
      "The namespace is labelled istio.io/rev with the detected istiod's revision (\"default\" without one), which every install's injection webhook answers.",
    ],
    facts: { proxying: "L7", mtls: "yes", proxyHops: 2, path: "client istio-proxy → server istio-proxy" },
  },
  "istio-ambient": {
    mesh: "istio-ambient",
    label: MESHES["istio-ambient"].label,
    join: ambientJoin,
    resources: [ztunnel, istiod],
    readiness: ambientReadiness,
    l7Policy: "none",
    detection: {
      namespaces: ISTIO_NAMESPACES,
      workloads: [istiodWorkload, ztunnelWorkload],
      crds: istioCrds,
      displayName: "Istio ambient (istiod + ztunnel)",
    },
    notes: [
      "L4 only: through the ztunnel of each node (two hops when client and server are on different nodes), no waypoint, so no HTTP processing in the mesh.",
    ],
    facts: { proxying: "L4", mtls: "yes", proxyHops: 2, path: "client node's ztunnel → server node's ztunnel (HBONE)" },
  },
  "istio-ambient-waypoint": {
    mesh: "istio-ambient-waypoint",
    label: MESHES["istio-ambient-waypoint"].label,
    join: { ...ambientJoin, namespaceLabels: { ...ambientJoin.namespaceLabels, "istio.io/use-waypoint": WAYPOINT_NAME } },
    resources: [
      ztunnel,
      {
        component: "waypoint",
        role: "proxy",
        source: { kind: "run-namespace", podNameRegex: `${WAYPOINT_NAME}-.*`, container: "istio-proxy" },
      },
      istiod,
    ],
    readiness: ambientReadiness,
    l7Policy: "none",
    detection: {
      namespaces: ISTIO_NAMESPACES,
      workloads: [istiodWorkload, ztunnelWorkload],
      crds: istioCrds,
      requiredCrds: ["gateways.gateway.networking.k8s.io"],
      displayName: "Istio ambient with a waypoint (istiod + ztunnel + Gateway API)",
    },
    notes: [
      "L7: the run's namespace gets a Gateway API waypoint (gatewayClassName istio-waypoint) and uses it for its services (istio.io/use-waypoint), so requests cross the client's ztunnel, the waypoint's Envoy and the server's ztunnel.",
    ],
    waypoint: true,
    facts: {
      proxying: "L7",
      mtls: "yes",
      proxyHops: 3,
      path: "client node's ztunnel → waypoint (Envoy) → server node's ztunnel",
    },
  },
  linkerd: {
    mesh: "linkerd",
    label: MESHES.linkerd.label,
    join: {
      ...noJoin,
      podAnnotations: { "linkerd.io/inject": "enabled" },
      // Linkerd ≥ 2.15: linkerd-proxy as a native sidecar, so the Job can complete.
      clientPodAnnotations: { "config.alpha.linkerd.io/proxy-enable-native-sidecar": "true" },
    },
    resources: [
      ...sidecars("linkerd-proxy"),
      {
        component: "linkerd-control-plane",
        role: "control-plane",
        // linkerd/linkerd2 charts/linkerd-control-plane/templates: destination (destination,
        // sp-validator, policy), identity, proxy-injector, each with its own linkerd-proxy.
        source: {
          kind: "pods",
          namespaces: ["linkerd"],
          podNameRegex: "linkerd-(destination|identity|proxy-injector)-.*",
          container: ["destination", "sp-validator", "policy", "identity", "proxy-injector", "linkerd-proxy"],
          scope: "cluster",
        },
      },
    ],
    readiness: {
      containersPerPod: 2,
      requiredContainers: ["linkerd-proxy"],
      podAnnotations: { "linkerd.io/proxy-version": "*" },
    },
    l7Policy: "none",
    detection: {
      namespaces: ["linkerd"],
      workloads: [
        {
          kind: "Deployment",
          names: ["linkerd-destination"],
          container: "destination",
          // charts/linkerd-control-plane/templates/destination.yaml: app.kubernetes.io/version on the Deployment.
          versionLabels: ["app.kubernetes.io/version", "linkerd.io/control-plane-version"],
        },
        { kind: "Deployment", names: ["linkerd-proxy-injector"], container: "proxy-injector", versionLabels: [] },
      ],
      crds: ["servers.policy.linkerd.io", "serviceprofiles.linkerd.io"],
      displayName: "Linkerd control plane",
    },
    notes: ["Two linkerd2-proxy sidecars in the path."],
    facts: { proxying: "L7", mtls: "yes", proxyHops: 2, path: "client linkerd-proxy → server linkerd-proxy" },
  },
  cilium: {
    mesh: "cilium",
    label: MESHES.cilium.label,
    // Nothing per pod: Cilium is the CNI. L7 traffic goes through the node's Envoy only under an L7 policy.
    join: noJoin,
    resources: ciliumResources,
    readiness: { containersPerPod: 1, requiredContainers: [], podAnnotations: {} },
    l7Policy: "cilium-http",
    detection: ciliumDetection,
    notes: [ciliumNote, "No mutual authentication and no encryption between the pods (see the cilium-mutual-auth profile)."],
    facts: { proxying: "L7", mtls: "no", proxyHops: 1, path: "server node's Envoy (L7 policy)" },
  },
  "cilium-mutual-auth": {
    mesh: "cilium-mutual-auth",
    label: MESHES["cilium-mutual-auth"].label,
    join: noJoin,
    resources: ciliumResources,
    readiness: { containersPerPod: 1, requiredContainers: [], podAnnotations: {} },
    l7Policy: "cilium-http",
    detection: {
      ...ciliumDetection,
      namespaces: [...CILIUM_NAMESPACES, "cilium-spire"],
      workloads: [
        ...ciliumDetection.workloads,
        {
          // cilium/cilium install/kubernetes/cilium/templates/spire/server/statefulset.yaml
          kind: "StatefulSet",
          names: ["spire-server"],
          container: "spire-server",
          versionLabels: [],
          missingReason:
            "SPIRE is not installed (no StatefulSet spire-server in cilium-spire): Cilium's mutual authentication needs it (Helm: authentication.mutual.spire.enabled=true, authentication.mutual.spire.install.enabled=true)",
        },
      ],
      displayName: "Cilium agent with SPIRE (mutual authentication)",
    },
    notes: [
      ciliumNote,
      "The policy requires mutual authentication (authentication.mode: required): Cilium authenticates the two identities with SPIFFE certificates out of band; the traffic itself is encrypted only when WireGuard or IPsec is on.",
    ],
    mutualAuth: true,
    facts: {
      proxying: "L7",
      mtls: "authentication only",
      proxyHops: 1,
      path: "server node's Envoy (L7 policy, mutual authentication)",
    },
  },
  consul: {
    mesh: "consul",
    label: MESHES.consul.label,
    join: { ...noJoin, podAnnotations: { "consul.hashicorp.com/connect-inject": "true" } },
    resources: [
      ...sidecars("consul-dataplane"),
      {
        component: "consul-server",
        role: "control-plane",
        source: { kind: "pods", namespaces: ["consul"], podNameRegex: "consul-server-.*", container: "consul", scope: "cluster" },
      },
    ],
    readiness: {
      containersPerPod: 2,
      requiredContainers: ["consul-dataplane"],
      podAnnotations: { "consul.hashicorp.com/connect-inject-status": "injected" },
    },
    l7Policy: "none",
    detection: {
      namespaces: ["consul"],
      workloads: [
        { kind: "StatefulSet", names: ["consul-server"], container: "consul", versionLabels: [] },
        { kind: "Deployment", names: ["consul-connect-injector"], container: "sidecar-injector", versionLabels: [] },
      ],
      crds: ["serviceintentions.consul.hashicorp.com", "servicedefaults.consul.hashicorp.com"],
      displayName: "Consul server",
    },
    notes: [
      "consul-dataplane (Envoy) sidecars; older Consul versions name the proxy container envoy-sidecar.",
      "Transparent proxy must be on (the Helm default) for fortio to reach the server by its Service name.",
      "MeshBench creates a ServiceDefaults with protocol http for both services (Consul ignores the Service's appProtocol; without it Envoy proxies TCP) and a ServiceIntentions allowing client → server (denied by default with ACLs on).",
    ],
    consulConfig: true,
    facts: { proxying: "L7", mtls: "yes", proxyHops: 2, path: "client consul-dataplane → server consul-dataplane" },
  },
};

export function kubernetesMeshProfile(mesh: MeshProfile): KubernetesMeshProfile {
  if (!isKubernetesMesh(mesh)) throw new Error(`Profile "${mesh}" has no Kubernetes profile; it runs on the local backend only`);
  return KUBERNETES_MESH_PROFILES[mesh];
}

/** A pod as the readiness rule sees it (from its status and metadata). */
export interface PodReadinessInput {
  /** Ready state per container, native sidecars (restartable init containers) included. */
  containers: readonly { name: string; ready: boolean }[];
  annotations: Record<string, string>;
}

/** Does this benchmark pod satisfy the mesh's readiness rule (e.g. 2/2 with istio-proxy ready)? */
export function podMeetsReadiness(
  rule: MeshReadiness,
  pod: PodReadinessInput,
): { ready: true } | { ready: false; reason: string } {
  const ready = pod.containers.filter((c) => c.ready);
  if (ready.length < rule.containersPerPod)
    return { ready: false, reason: `${ready.length}/${rule.containersPerPod} containers ready` };
  for (const name of rule.requiredContainers) {
    if (!ready.some((c) => c.name === name)) return { ready: false, reason: `container ${name} missing or not ready` };
  }
  for (const [key, value] of Object.entries(rule.podAnnotations)) {
    const actual = pod.annotations[key];
    if (actual === undefined || (value !== "*" && actual !== value))
      return { ready: false, reason: `annotation ${key}${value === "*" ? "" : `=${value}`} missing` };
  }
  return { ready: true };
}
