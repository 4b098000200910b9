import type { ICiliumNetworkPolicy } from "@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IAffinity } from "kubernetes-models/v1/Affinity";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { CLIENT_NAME, DRIVER_NAME, runNamespaceName, SERVER_NAME, shortRunId } from "./cluster-names";
import { fortioResolutionSeconds } from "./fortio-precision";
import { type KubernetesMeshProfile, kubernetesMeshProfile, WAYPOINT_NAME } from "./kubernetes-meshes";
import type { RunSpec } from "./spec";

/**
 * The Kubernetes objects of one benchmark run. Pure: the cluster backend creates them in the order
 * of runObjects() (namespace, service accounts, the mesh's policies and config, the Services, the
 * fortio server Deployment, then one client Job per repetition) and deletes the namespace at the
 * end, whatever happened. The manifest dry run shows the same objects.
 */
export const MANAGED_BY = "meshbench";
export const DEFAULT_FORTIO_IMAGE = "fortio/fortio:latest_release";
/** The client pod's driver: a shell, wget and cat (the fortio image has no shell). */
export const DEFAULT_DRIVER_IMAGE = "busybox:1.37.0";
export const FORTIO_PORT = 8080;
/** Where the driver stores fortio's answer: an emptyDir of the client pod. */
export const RESULT_FILE = "/results/fortio.json";

export const LABEL_RUN_ID = "meshbench.io/run-id";
export const LABEL_MESH = "meshbench.io/mesh";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

/** Everything MeshBench manages, for the janitor. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

export type Named<T extends { metadata?: unknown }> = T & { metadata: NonNullable<T["metadata"]> & { name: string } };

export interface RunManifestOptions {
  runId: string;
  spec: RunSpec;
  /** fortio image for both client and server. */
  image?: string;
  /** The client pod's driver image (busybox). */
  driverImage?: string;
  /** The detected control plane's revision, for profiles that label the namespace with it (Istio: istio.io/rev). */
  revision?: string | null;
  serverResources?: IResourceRequirements;
  clientResources?: IResourceRequirements;
  /**
   * preferred (default): client and server on different nodes whenever the cluster has more than
   * one; required: refuse to schedule otherwise (a single-node cluster then never becomes ready).
   */
  antiAffinity?: "preferred" | "required";
  /** Extra seconds a client Job may take beyond its load (image pull, sidecar start). Default 300. */
  jobGraceSeconds?: number;
  ttlSecondsAfterFinished?: number;
}

/** A Consul config entry CRD (consul.hashicorp.com/v1alpha1, hashicorp/consul-k8s control-plane/api/v1alpha1). */
export interface ConsulConfigEntry {
  apiVersion: "consul.hashicorp.com/v1alpha1";
  kind: "ServiceDefaults" | "ServiceIntentions";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { protocol: "http" } | { destination: { name: string }; sources: { name: string; action: "allow" | "deny" }[] };
}

/** A Gateway API Gateway of class istio-waypoint, as `istioctl waypoint generate` writes it (istio/istio istioctl/pkg/waypoint). */
export interface WaypointGateway {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "Gateway";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { gatewayClassName: "istio-waypoint"; listeners: { name: string; port: number; protocol: string }[] };
}

export interface RunManifests {
  namespace: Named<INamespace>;
  serviceAccounts: Named<IServiceAccount>[];
  serverDeployment: Named<IDeployment>;
  serverService: Named<IService>;
  /**
   * Selects the client pods. Consul registers a pod only through a Service that selects it, and
   * its connect-init holds the pod until then; for the other meshes it is inert.
   */
  clientService: Named<IService>;
  /** The mesh's L7 policy, if its profile needs one to put a proxy in the path (Cilium). */
  policies: Named<ICiliumNetworkPolicy>[];
  /** Consul: ServiceDefaults (protocol http) for both services and ServiceIntentions client → server. */
  consulConfig: Named<ConsulConfigEntry>[];
  /** Istio ambient with a waypoint: the Gateway API waypoint of the run's namespace. */
  gateways: Named<WaypointGateway>[];
  /** Label selector for everything of this run. */
  selector: string;
  /** URL the client targets: the server's Service, with the response size fortio's echo handler honours. */
  targetUrl: string;
  profile: KubernetesMeshProfile;
}

const DEFAULT_SERVER_RESOURCES: IResourceRequirements = {
  // No CPU limit: CFS throttling would show up as latency and be blamed on the mesh.
  requests: { cpu: "1", memory: "128Mi" },
  limits: { memory: "512Mi" },
};
const DEFAULT_CLIENT_RESOURCES: IResourceRequirements = {
  requests: { cpu: "1", memory: "256Mi" },
  limits: { memory: "1Gi" },
};

/** A label value (≤ 63 chars, alphanumeric ends, [-_.] inside); anything else is cut to its tail. */
export function runIdLabel(runId: string): string {
  if (/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(runId)) return runId;
  return shortRunId(runId);
}

function baseLabels(runId: string, mesh: string): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    "app.kubernetes.io/part-of": "meshbench",
    [LABEL_RUN_ID]: runIdLabel(runId),
    [LABEL_MESH]: mesh,
  };
}

function componentLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/component": name === SERVER_NAME ? "server" : "client" };
}

function antiAffinity(avoid: string, mode: "preferred" | "required"): IAffinity {
  const term = {
    labelSelector: { matchLabels: { "app.kubernetes.io/name": avoid } },
    topologyKey: "kubernetes.io/hostname",
  };
  return {
    podAntiAffinity:
      mode === "required"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

/** Through the scheduler (unlike spec.nodeName), so resources and taints are still honoured. */
function onNode(nodeName: string): IAffinity {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
      },
    },
  };
}

export function runManifests(options: RunManifestOptions): RunManifests {
  const { runId, spec } = options;
  if (spec.backend !== "KUBERNETES") throw new Error("runManifests: the spec is not for the Kubernetes backend");
  const profile = kubernetesMeshProfile(spec.mesh);
  const ns = runNamespaceName(runId);
  const labels = baseLabels(runId, spec.mesh);
  const image = options.image ?? DEFAULT_FORTIO_IMAGE;

  const namespace: Named<INamespace> = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ns,
      labels: {
        ...labels,
        ...profile.join.namespaceLabels,
        ...(profile.join.revisionNamespaceLabel ? { [profile.join.revisionNamespaceLabel]: options.revision ?? "default" } : {}),
        // The probes' bpftrace pods are privileged with host PIDs; Pod Security would refuse them elsewhere.
        ...(spec.probes.length > 0 ? { "pod-security.kubernetes.io/enforce": "privileged" } : {}),
      },
      annotations: { [LABEL_RUN_ID]: runId, ...profile.join.namespaceAnnotations },
    },
  };

  const serviceAccounts: Named<IServiceAccount>[] = [SERVER_NAME, CLIENT_NAME].map((name) => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: ns, labels: { ...labels, ...componentLabels(name) } },
    // Workload identities come from the mesh; the fortio pods need no Kubernetes API access.
    automountServiceAccountToken: false,
  }));

  const serverLabels = { ...labels, ...componentLabels(SERVER_NAME) };
  const serverTemplate: IPodTemplateSpec = {
    metadata: { labels: { ...serverLabels, ...profile.join.podLabels }, annotations: { ...profile.join.podAnnotations } },
    spec: {
      serviceAccountName: SERVER_NAME,
      affinity: antiAffinity(CLIENT_NAME, options.antiAffinity ?? "preferred"),
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: SERVER_NAME,
          image,
          args: ["server", "-http-port", String(FORTIO_PORT)],
          ports: [{ name: "http", containerPort: FORTIO_PORT, protocol: "TCP" }],
          readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 2, failureThreshold: 3 },
          resources: options.serverResources ?? DEFAULT_SERVER_RESOURCES,
          securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000 },
        },
      ],
    },
  };
  const serverDeployment: Named<IDeployment> = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: SERVER_NAME, namespace: ns, labels: serverLabels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...componentLabels(SERVER_NAME), [LABEL_RUN_ID]: labels[LABEL_RUN_ID] ?? "" } },
      template: serverTemplate,
    },
  };
  const serverService: Named<IService> = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: SERVER_NAME, namespace: ns, labels: serverLabels },
    spec: {
      type: "ClusterIP",
      selector: { ...componentLabels(SERVER_NAME), [LABEL_RUN_ID]: labels[LABEL_RUN_ID] ?? "" },
      // appProtocol/port name tell Istio, Linkerd and Consul this is HTTP without sniffing.
      ports: [{ name: "http", port: FORTIO_PORT, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
    },
  };

  const clientService: Named<IService> = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: CLIENT_NAME, namespace: ns, labels: { ...labels, ...componentLabels(CLIENT_NAME) } },
    spec: {
      type: "ClusterIP",
      selector: { ...componentLabels(CLIENT_NAME), [LABEL_RUN_ID]: labels[LABEL_RUN_ID] ?? "" },
      ports: [{ name: "http", port: FORTIO_PORT, targetPort: FORTIO_PORT, protocol: "TCP", appProtocol: "http" }],
    },
  };

  const consulConfig: Named<ConsulConfigEntry>[] = profile.consulConfig
    ? [
        ...[SERVER_NAME, CLIENT_NAME].map(
          (name): Named<ConsulConfigEntry> => ({
            apiVersion: "consul.hashicorp.com/v1alpha1",
            kind: "ServiceDefaults",
            metadata: { name, namespace: ns, labels },
            // Consul ignores the Service's appProtocol: without this its Envoy proxies TCP.
            spec: { protocol: "http" },
          }),
        ),
        {
          apiVersion: "consul.hashicorp.com/v1alpha1",
          kind: "ServiceIntentions",
          metadata: { name: SERVER_NAME, namespace: ns, labels },
          // With ACLs on, Consul denies what no intention allows.
          spec: { destination: { name: SERVER_NAME }, sources: [{ name: CLIENT_NAME, action: "allow" }] },
        },
      ]
    : [];

  const gateways: Named<WaypointGateway>[] = profile.waypoint
    ? [
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "Gateway",
          metadata: { name: WAYPOINT_NAME, namespace: ns, labels: { ...labels, "istio.io/waypoint-for": "service" } },
          spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
        },
      ]
    : [];

  const policies: Named<ICiliumNetworkPolicy>[] =
    profile.l7Policy === "cilium-http"
      ? [
          {
            apiVersion: "cilium.io/v2",
            kind: "CiliumNetworkPolicy",
            metadata: { name: `${SERVER_NAME}-l7`, namespace: ns, labels },
            spec: {
              endpointSelector: { matchLabels: serverDeployment.spec?.selector.matchLabels ?? {} },
              ingress: [
                {
                  fromEndpoints: [{ matchLabels: { "app.kubernetes.io/name": CLIENT_NAME } }],
                  toPorts: [{ ports: [{ port: String(FORTIO_PORT), protocol: "TCP" }], rules: { http: [{ method: "GET" }] } }],
                  // Mutual authentication of the two identities (SPIFFE, from SPIRE) before traffic is allowed.
                  ...(profile.mutualAuth ? { authentication: { mode: "required" as const } } : {}),
                },
              ],
            },
          },
        ]
      : [];

  return {
    namespace,
    serviceAccounts,
    serverDeployment,
    serverService,
    clientService,
    policies,
    consulConfig,
    gateways,
    selector: `${MANAGED_SELECTOR},${LABEL_RUN_ID}=${labels[LABEL_RUN_ID]}`,
    targetUrl: `http://${SERVER_NAME}.${ns}.svc:${FORTIO_PORT}/echo?size=${spec.payloadBytes}`,
    profile,
  };
}

/**
 * The query of one fortio run through its REST API (fortio/fortio rapi/restHandler.go reads the
 * same names as the CLI flags). The response payload is the server's `?size=` (fortio's echo
 * handler); fortio's own payload would make the client POST a body, which the spec does not ask for.
 */
export function fortioRunQuery(spec: RunSpec, url: string, durationSeconds: number): string {
  const query = new URLSearchParams({
    url,
    t: `${durationSeconds}s`,
    c: String(spec.connections),
    r: String(fortioResolutionSeconds(spec)),
    p: "50,75,90,99,99.9",
    labels: "meshbench",
  });
  if (spec.mode === "fixed-rate") {
    if (spec.rate === undefined) throw new Error("fixed-rate spec without a rate");
    // Evenly spaced sends, and no bursts to make up for a missed slot (see FORTIO_TIMING_NOTE).
    query.set("qps", String(spec.rate));
    query.set("uniform", "on");
    query.set("nocatchup", "on");
  } else {
    query.set("qps", "0");
  }
  return query.toString();
}

/**
 * The driver of a client pod (busybox sh). It waits for the pod's own fortio server and for the
 * target to answer through the mesh (the sidecar is up, the pod registered), then runs the warm-up
 * and the measured load through fortio's REST API, one after the other in the same fortio process
 * and the same pod, so the client-side proxy and its connections to the server are warm. The
 * measured answer is written to a file and cat is the last thing the driver does: on success its
 * log is that file and nothing else (failed probes write to /dev/null; any other error exits
 * non-zero), so fortio's JSON cannot mix with another stream.
 */
export const DRIVER_SCRIPT = [
  "set -eu",
  "n=0",
  `until wget -q -O /dev/null "$FORTIO_BASE/rest/status" 2>/dev/null; do n=$((n+1)); [ "$n" -lt 600 ] || { echo "fortio did not start" >&2; exit 3; }; sleep 0.5; done`,
  "n=0",
  `until wget -q -T 5 -O /dev/null "$TARGET_URL" 2>/dev/null; do n=$((n+1)); [ "$n" -lt 600 ] || { echo "$TARGET_URL does not answer" >&2; exit 4; }; sleep 0.5; done`,
  `if [ -n "$WARMUP_QUERY" ]; then wget -q -T "$WGET_TIMEOUT" -O /dev/null "$FORTIO_BASE/rest/run?$WARMUP_QUERY"; fi`,
  `wget -q -T "$WGET_TIMEOUT" -O "$RESULT_FILE" "$FORTIO_BASE/rest/run?$MEASURE_QUERY"`,
  `exec cat "$RESULT_FILE"`,
].join("\n");

export interface ClientJobOptions extends RunManifestOptions {
  iteration: number;
  /**
   * The node to run on. The backend picks it before the load (another node than the server's when
   * there is one), so probes can be attached to it and its cAdvisor series found.
   */
  nodeName?: string;
}

export function clientJobName(iteration: number): string {
  return `${CLIENT_NAME}-${iteration}`;
}

/**
 * One repetition's client pod as a Job: fortio as a server bound to loopback (the load generator,
 * driven over its REST API) and the driver. The backend waits for the driver's container to end
 * and reads its log; it does not wait for the Job (fortio and the mesh's sidecar keep running) and
 * deletes it.
 */
export function clientJob(options: ClientJobOptions): Named<IJob> {
  const { runId, spec, iteration } = options;
  if (!Number.isInteger(iteration) || iteration < 0) throw new Error("iteration must be a whole number ≥ 0");
  if (spec.durationSeconds < 1) throw new Error(`no load to run: ${spec.durationSeconds} s`);
  const { namespace, targetUrl, profile } = runManifests(options);
  const ns = namespace.metadata.name;
  const labels = {
    ...baseLabels(runId, spec.mesh),
    ...componentLabels(CLIENT_NAME),
    "meshbench.io/iteration": String(iteration),
  };
  const grace = options.jobGraceSeconds ?? 300;
  const loadSeconds = spec.warmupSeconds + spec.durationSeconds;
  const securityContext = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000 };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: clientJobName(iteration), namespace: ns, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: loadSeconds + grace,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? 3600,
      template: {
        metadata: {
          labels: { ...labels, ...profile.join.podLabels },
          annotations: { ...profile.join.podAnnotations, ...profile.join.clientPodAnnotations },
        },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: CLIENT_NAME,
          affinity: {
            ...antiAffinity(SERVER_NAME, options.antiAffinity ?? "preferred"),
            ...(options.nodeName ? onNode(options.nodeName) : {}),
          },
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: CLIENT_NAME,
              image: options.image ?? DEFAULT_FORTIO_IMAGE,
              // Loopback only: its REST API runs loads, and nothing outside the pod needs it.
              args: ["server", "-http-port", `127.0.0.1:${FORTIO_PORT}`, "-grpc-port", "disabled", "-redirect-port", "disabled"],
              resources: options.clientResources ?? DEFAULT_CLIENT_RESOURCES,
              securityContext,
            },
            {
              name: DRIVER_NAME,
              image: options.driverImage ?? DEFAULT_DRIVER_IMAGE,
              command: ["sh", "-c", DRIVER_SCRIPT],
              env: [
                { name: "FORTIO_BASE", value: `http://127.0.0.1:${FORTIO_PORT}/fortio` },
                { name: "TARGET_URL", value: targetUrl },
                {
                  name: "WARMUP_QUERY",
                  value: spec.warmupSeconds > 0 ? fortioRunQuery(spec, targetUrl, spec.warmupSeconds) : "",
                },
                { name: "MEASURE_QUERY", value: fortioRunQuery(spec, targetUrl, spec.durationSeconds) },
                // busybox wget gives up after -T seconds without data; fortio answers only at the end of a run.
                { name: "WGET_TIMEOUT", value: String(loadSeconds + 120) },
                { name: "RESULT_FILE", value: RESULT_FILE },
              ],
              volumeMounts: [{ name: "results", mountPath: "/results" }],
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
              securityContext: { ...securityContext, readOnlyRootFilesystem: true },
            },
          ],
          volumes: [{ name: "results", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  };
}

/** Every object of a run, in the order the backend creates them (probe Jobs aside: their nodes are chosen at run time). */
export interface RunObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string };
}

export function runObjects(options: RunManifestOptions, nodeName?: string): RunObject[] {
  const m = runManifests(options);
  const jobs = Array.from({ length: options.spec.repetitions }, (_, i) =>
    clientJob({ ...options, iteration: i + 1, ...(nodeName ? { nodeName } : {}) }),
  );
  return [
    m.namespace,
    ...m.serviceAccounts,
    ...m.policies,
    ...m.consulConfig,
    ...m.gateways,
    m.serverService,
    m.clientService,
    m.serverDeployment,
    ...jobs,
  ];
}
