import type { ICiliumNetworkPolicy } from "@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IAffinity } from "kubernetes-models/v1/Affinity";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { CLIENT_NAME, runNamespaceName, SERVER_NAME, shortRunId } from "~/core/cluster-names";
import { type KubernetesMeshProfile, kubernetesMeshProfile } from "~/core/kubernetes-meshes";
import type { RunSpec } from "~/core/spec";

/**
 * The Kubernetes objects of one benchmark run. Pure: the cluster backend creates them in this
 * order (namespace, service accounts, server Deployment + Service, then per repetition a warm-up
 * Job and a measured client Job) and deletes the namespace at the end, whatever happened.
 */
export const MANAGED_BY = "meshbench";
export const DEFAULT_FORTIO_IMAGE = "fortio/fortio:latest_release";
export const FORTIO_PORT = 8080;
/** fortio's histogram resolution in seconds: 1 µs buckets at the bottom of the range. */
export const FORTIO_RESOLUTION_SECONDS = "0.000001";

export const LABEL_RUN_ID = "meshbench.io/run-id";
export const LABEL_MESH = "meshbench.io/mesh";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";

/** Everything MeshBench manages, for the janitor. */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

type Named<T extends { metadata?: unknown }> = T & { metadata: NonNullable<T["metadata"]> & { name: string } };

export interface RunManifestOptions {
  runId: string;
  spec: RunSpec;
  /** fortio image for both client and server. */
  image?: string;
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

export interface RunManifests {
  namespace: Named<INamespace>;
  serviceAccounts: Named<IServiceAccount>[];
  serverDeployment: Named<IDeployment>;
  serverService: Named<IService>;
  /** The mesh's L7 policy, if its profile needs one to put a proxy in the path (Cilium). */
  policies: Named<ICiliumNetworkPolicy>[];
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
    policies,
    selector: `${MANAGED_SELECTOR},${LABEL_RUN_ID}=${labels[LABEL_RUN_ID]}`,
    targetUrl: `http://${SERVER_NAME}.${ns}.svc:${FORTIO_PORT}/echo?size=${spec.payloadBytes}`,
    profile,
  };
}

/**
 * fortio load's arguments. The response payload is the server's `?size=` (fortio's echo handler);
 * fortio's own -payload-size would make the client POST a body instead, which the spec does not ask for.
 */
export function fortioLoadArgs(spec: RunSpec, url: string, durationSeconds: number, json: boolean): string[] {
  const args = ["load"];
  if (json) args.push("-json", "-");
  args.push("-r", FORTIO_RESOLUTION_SECONDS, "-p", "50,75,90,99,99.9");
  if (spec.mode === "fixed-rate") {
    if (spec.rate === undefined) throw new Error("fixed-rate spec without a rate");
    // Open loop: evenly spaced sends, and no bursts to make up for a late one (latency from the intended time).
    args.push("-qps", String(spec.rate), "-uniform", "-nocatchup");
  } else {
    args.push("-qps", "0");
  }
  args.push("-c", String(spec.connections), "-t", `${durationSeconds}s`, "-allow-initial-errors", url);
  return args;
}

export interface ClientJobOptions extends RunManifestOptions {
  iteration: number;
  /** warmup: the spec's warm-up, output discarded; measure: the measured window with -json. */
  phase: "warmup" | "measure";
  /**
   * The node to run on. The backend picks it before the load (another node than the server's when
   * there is one), so probes can be attached to it and its cAdvisor series found.
   */
  nodeName?: string;
}

export function clientJobName(iteration: number, phase: "warmup" | "measure"): string {
  return `${CLIENT_NAME}-${phase === "warmup" ? "warmup" : "run"}-${iteration}`;
}

/**
 * One fortio load as a Job. The fortio image has no shell, so the warm-up is its own Job before
 * the measured one (it warms the server and the mesh's proxies; fortio's connections are its own).
 * The backend reads the result from the fortio container's log once that container has
 * terminated, rather than waiting for the Job to complete: a sidecar that outlives fortio keeps a
 * Job active (see KubernetesMeshProfile.jobCompletion).
 */
export function clientJob(options: ClientJobOptions): Named<IJob> {
  const { runId, spec, iteration, phase } = options;
  if (!Number.isInteger(iteration) || iteration < 0) throw new Error("iteration must be a whole number ≥ 0");
  const seconds = phase === "warmup" ? spec.warmupSeconds : spec.durationSeconds;
  if (seconds < 1) throw new Error(`no ${phase} to run: ${seconds} s`);
  const { namespace, targetUrl, profile } = runManifests(options);
  const ns = namespace.metadata.name;
  const labels = {
    ...baseLabels(runId, spec.mesh),
    ...componentLabels(CLIENT_NAME),
    "meshbench.io/iteration": String(iteration),
    "meshbench.io/phase": phase,
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: clientJobName(iteration, phase), namespace: ns, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: seconds + (options.jobGraceSeconds ?? 300),
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
              args: fortioLoadArgs(spec, targetUrl, seconds, phase === "measure"),
              resources: options.clientResources ?? DEFAULT_CLIENT_RESOURCES,
              securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000 },
              terminationMessagePolicy: "FallbackToLogsOnError",
            },
          ],
        },
      },
    },
  };
}
