import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

/**
 * FakeKubernetesApi: a test double, NOT a Kubernetes API server. An in-process HTTP server that
 * implements only the endpoints MeshBench's cluster backend uses (namespaces, serviceaccounts,
 * services, configmaps, deployments, jobs, pods, pods/log), keeps objects in memory, records every request,
 * and lets a test decide what the "cluster" does: mark pods ready, finish or fail a Job's pod with
 * a log. No scheduling, no controllers beyond "a Deployment or Job gets one pod".
 */

type Json = Record<string, unknown>;
export interface KubeObject extends Json {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } & Json;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: KubeObject | null;
}

export interface FakePodState {
  pod: KubeObject;
  log: string;
  /** Per-container logs (pods/log?container=…); a container without one answers `log`. */
  containerLogs?: Record<string, string>;
  /** The workload that owns it. */
  owner: { kind: "Deployment" | "Job"; name: string };
}

export interface FakeKubernetesApiOptions {
  /** Called when a Job is created (its pod exists): a test can finish it at once or later. */
  onJobCreated?: (api: FakeKubernetesApi, namespace: string, job: KubeObject, podName: string) => void;
  /** Called when a Deployment is created (its pod exists). */
  onDeploymentCreated?: (api: FakeKubernetesApi, namespace: string, deployment: KubeObject, podName: string) => void;
  /** A mutating admission webhook: may change a pod before it is stored (e.g. a mesh's sidecar injector). */
  mutatePod?: (api: FakeKubernetesApi, namespace: string, pod: KubeObject) => void;
  /** The kubelet: called before every pod read, so pods can advance as the cluster's objects change. */
  kubelet?: (api: FakeKubernetesApi) => void;
}

const RESOURCES = {
  serviceaccounts: { prefix: "/api/v1", kind: "ServiceAccount", apiVersion: "v1" },
  services: { prefix: "/api/v1", kind: "Service", apiVersion: "v1" },
  configmaps: { prefix: "/api/v1", kind: "ConfigMap", apiVersion: "v1" },
  pods: { prefix: "/api/v1", kind: "Pod", apiVersion: "v1" },
  deployments: { prefix: "/apis/apps/v1", kind: "Deployment", apiVersion: "apps/v1" },
  daemonsets: { prefix: "/apis/apps/v1", kind: "DaemonSet", apiVersion: "apps/v1" },
  statefulsets: { prefix: "/apis/apps/v1", kind: "StatefulSet", apiVersion: "apps/v1" },
  jobs: { prefix: "/apis/batch/v1", kind: "Job", apiVersion: "batch/v1" },
  ciliumnetworkpolicies: { prefix: "/apis/cilium.io/v2", kind: "CiliumNetworkPolicy", apiVersion: "cilium.io/v2" },
  servicedefaults: {
    prefix: "/apis/consul.hashicorp.com/v1alpha1",
    kind: "ServiceDefaults",
    apiVersion: "consul.hashicorp.com/v1alpha1",
  },
  serviceintentions: {
    prefix: "/apis/consul.hashicorp.com/v1alpha1",
    kind: "ServiceIntentions",
    apiVersion: "consul.hashicorp.com/v1alpha1",
  },
  gateways: { prefix: "/apis/gateway.networking.k8s.io/v1", kind: "Gateway", apiVersion: "gateway.networking.k8s.io/v1" },
} as const;
export type Resource = keyof typeof RESOURCES;

export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  readonly namespaces = new Map<string, KubeObject>();
  /** key: `${resource}/${namespace}/${name}` */
  readonly objects = new Map<string, KubeObject>();
  readonly pods = new Map<string, FakePodState>();
  /** Namespaces deleted so far, in order. */
  readonly deletedNamespaces: string[] = [];
  /** Cluster-scoped state for the cluster page: nodes, installed CRD names, the server version. */
  readonly nodes: KubeObject[] = [];
  readonly crds = new Set<string>();
  version = { major: "1", minor: "31", gitVersion: "v1.31.4-fake", platform: "linux/amd64" };
  /** When set, every request is answered 401, as for an expired or revoked token. */
  rejectCredentials = false;
  private server: Server | null = null;

  constructor(private readonly options: FakeKubernetesApiOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => send(res, 500, status(500, (error as Error).message)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Objects of one kind in a namespace. */
  objectsOf(resource: Resource, namespace: string): KubeObject[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${resource}/${namespace}/`)).map(([, o]) => o);
  }

  /** An object that exists before the test (e.g. a mesh's control plane), in a namespace created on demand. */
  seed(resource: "deployments" | "daemonsets" | "statefulsets", object: KubeObject): void {
    const namespace = object.metadata.namespace ?? "default";
    if (!this.namespaces.has(namespace))
      this.namespaces.set(namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    this.objects.set(`${resource}/${namespace}/${object.metadata.name}`, {
      ...object,
      metadata: { ...object.metadata, namespace },
    });
  }

  /** Requests as "METHOD path" lines, for assertions. */
  get requestLines(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  podsOf(namespace: string, ownerName: string): FakePodState[] {
    return [...this.pods.values()].filter((p) => p.pod.metadata.namespace === namespace && p.owner.name === ownerName);
  }

  /** Mark a pod's containers ready (names default to the spec's), with extra containers such as a sidecar. */
  setPodReady(
    namespace: string,
    podName: string,
    options: { extraContainers?: string[]; annotations?: Record<string, string> } = {},
  ): void {
    const state = this.podState(namespace, podName);
    const names = [...containerNames(state.pod), ...(options.extraContainers ?? [])];
    Object.assign(state.pod.metadata, { annotations: { ...state.pod.metadata.annotations, ...options.annotations } });
    state.pod.status = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: names.map((name) => ({
        name,
        ready: true,
        restartCount: 0,
        image: "fake",
        imageID: "fake",
        state: { running: { startedAt: new Date().toISOString() } },
      })),
    };
  }

  /** What a running pod has written so far (its containers keep running). */
  setPodLog(namespace: string, podName: string, log: string): void {
    this.podState(namespace, podName).log = log;
  }

  /**
   * The pod's main container exits (0 = success) after writing `log`; `message` is the
   * container's termination message (terminationMessagePath).
   */
  finishPod(namespace: string, podName: string, exitCode: number, log: string, options: { message?: string } = {}): void {
    const state = this.podState(namespace, podName);
    state.log = log;
    state.pod.status = {
      phase: exitCode === 0 ? "Succeeded" : "Failed",
      containerStatuses: containerNames(state.pod).map((name) => ({
        name,
        ready: false,
        restartCount: 0,
        image: "fake",
        imageID: "fake",
        state: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? "Completed" : "Error",
            finishedAt: new Date().toISOString(),
            ...(options.message === undefined ? {} : { message: options.message }),
          },
        },
      })),
    };
  }

  private podState(namespace: string, podName: string): FakePodState {
    const state = this.pods.get(`${namespace}/${podName}`);
    if (!state) throw new Error(`FakeKubernetesApi: no pod ${namespace}/${podName}`);
    return state;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    const body = raw ? (JSON.parse(raw) as KubeObject) : null;
    const method = req.method ?? "GET";
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body });

    if (this.rejectCredentials) return send(res, 401, status(401, "Unauthorized"));
    const parts = url.pathname.split("/").filter(Boolean);
    const clusterScoped = this.clusterRoute(method, url.pathname);
    if (clusterScoped) return send(res, ...clusterScoped);
    // /api/v1/namespaces[/name]
    if (url.pathname.startsWith("/api/v1/namespaces") && parts.length <= 4) {
      return this.namespaceRoute(method, parts[3], body, url.searchParams, res);
    }
    // <prefix>/namespaces/<ns>/<resource>[/<name>[/log]]
    const nsIndex = parts.indexOf("namespaces");
    const namespace = parts[nsIndex + 1];
    const resource = parts[nsIndex + 2] as Resource | undefined;
    const name = parts[nsIndex + 3];
    const sub = parts[nsIndex + 4];
    if (nsIndex < 0 || !namespace || !resource || !(resource in RESOURCES)) return send(res, 404, status(404, "not found"));
    if (!url.pathname.startsWith(`${RESOURCES[resource].prefix}/`)) return send(res, 404, status(404, "wrong group"));
    // Like the real API: a list in a namespace that does not exist is empty, anything else is 404.
    if (!this.namespaces.has(namespace) && !(method === "GET" && !name))
      return send(res, 404, status(404, `namespaces "${namespace}" not found`));

    if (resource === "pods") {
      this.options.kubelet?.(this);
      if (method === "GET" && name && sub === "log") {
        const state = this.pods.get(`${namespace}/${name}`);
        if (!state) return send(res, 404, status(404, `pods "${name}" not found`));
        const container = url.searchParams.get("container");
        res.writeHead(200, { "content-type": "text/plain" });
        res.end((container ? state.containerLogs?.[container] : undefined) ?? state.log);
        return;
      }
      if (method === "GET" && !name) {
        const items = [...this.pods.values()]
          .map((p) => p.pod)
          .filter((p) => p.metadata.namespace === namespace && matches(p.metadata.labels, url.searchParams.get("labelSelector")));
        return send(res, 200, { apiVersion: "v1", kind: "PodList", metadata: {}, items });
      }
      if (method === "GET" && name) {
        const state = this.pods.get(`${namespace}/${name}`);
        return state ? send(res, 200, state.pod) : send(res, 404, status(404, `pods "${name}" not found`));
      }
      return send(res, 405, status(405, "method not allowed"));
    }

    const key = (n: string) => `${resource}/${namespace}/${n}`;
    if (method === "POST" && !name && body) {
      const objName = body.metadata.name;
      if (this.objects.has(key(objName))) return send(res, 409, status(409, `${resource} "${objName}" already exists`));
      const stored: KubeObject = { ...body, metadata: { ...body.metadata, namespace, uid: uid() } };
      this.objects.set(key(objName), stored);
      if (resource === "deployments" || resource === "jobs") {
        const podName = this.createPod(namespace, stored, resource === "jobs" ? "Job" : "Deployment");
        if (resource === "jobs") this.options.onJobCreated?.(this, namespace, stored, podName);
        else this.options.onDeploymentCreated?.(this, namespace, stored, podName);
      }
      return send(res, 201, stored);
    }
    if (method === "GET" && !name) {
      const { kind, apiVersion } = RESOURCES[resource];
      const items = [...this.objects.entries()]
        .filter(
          ([k, o]) =>
            k.startsWith(`${resource}/${namespace}/`) && matches(o.metadata.labels, url.searchParams.get("labelSelector")),
        )
        .map(([, o]) => o);
      return send(res, 200, { apiVersion, kind: `${kind}List`, metadata: {}, items });
    }
    if (method === "GET" && name) {
      const obj = this.objects.get(key(name));
      return obj ? send(res, 200, obj) : send(res, 404, status(404, `${resource} "${name}" not found`));
    }
    if (method === "DELETE" && name) {
      if (!this.objects.delete(key(name))) return send(res, 404, status(404, `${resource} "${name}" not found`));
      for (const [k, p] of this.pods) if (p.pod.metadata.namespace === namespace && p.owner.name === name) this.pods.delete(k);
      return send(res, 200, status(200, "deleted"));
    }
    return send(res, 405, status(405, "method not allowed"));
  }

  /** /version, nodes and CRDs, answered from the fields above. */
  private clusterRoute(method: string, pathname: string): [number, unknown] | null {
    if (method !== "GET") return null;
    if (pathname === "/version") return [200, this.version];
    if (pathname === "/api/v1/nodes") return [200, { apiVersion: "v1", kind: "NodeList", metadata: {}, items: this.nodes }];
    const crd = /^\/apis\/apiextensions\.k8s\.io\/v1\/customresourcedefinitions\/([^/]+)$/.exec(pathname)?.[1];
    if (crd === undefined) return null;
    return this.crds.has(crd)
      ? [200, { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: crd } }]
      : [404, status(404, `customresourcedefinitions.apiextensions.k8s.io "${crd}" not found`)];
  }

  private namespaceRoute(
    method: string,
    name: string | undefined,
    body: KubeObject | null,
    query: URLSearchParams,
    res: ServerResponse,
  ): true {
    if (method === "POST" && !name && body) {
      const nsName = body.metadata.name;
      if (this.namespaces.has(nsName)) return send(res, 409, status(409, `namespaces "${nsName}" already exists`));
      const stored: KubeObject = { ...body, metadata: { ...body.metadata, uid: uid() }, status: { phase: "Active" } };
      this.namespaces.set(nsName, stored);
      return send(res, 201, stored);
    }
    if (method === "GET" && !name) {
      const items = [...this.namespaces.values()].filter((n) => matches(n.metadata.labels, query.get("labelSelector")));
      return send(res, 200, { apiVersion: "v1", kind: "NamespaceList", metadata: {}, items });
    }
    if (method === "GET" && name) {
      const ns = this.namespaces.get(name);
      return ns ? send(res, 200, ns) : send(res, 404, status(404, `namespaces "${name}" not found`));
    }
    if (method === "DELETE" && name) {
      if (!this.namespaces.delete(name)) return send(res, 404, status(404, `namespaces "${name}" not found`));
      // Deletion is immediate here; a real cluster finalizes the namespace's objects first.
      for (const k of [...this.objects.keys()]) if (k.split("/")[1] === name) this.objects.delete(k);
      for (const [k, p] of this.pods) if (p.pod.metadata.namespace === name) this.pods.delete(k);
      this.deletedNamespaces.push(name);
      return send(res, 200, status(200, "deleted"));
    }
    return send(res, 405, status(405, "method not allowed"));
  }

  /** A scheduler in one line: the pinned node, else the first node, else none (the pod stays unscheduled). */
  private schedule(podSpec: Json | undefined): { nodeName?: string } {
    const nodeName = pinnedNode(podSpec) ?? this.nodes[0]?.metadata.name;
    return nodeName ? { nodeName } : {};
  }

  /** A pod for a workload some controller of the cluster created (e.g. a mesh's gateway), as for a Deployment. */
  addControllerPod(namespace: string, owner: KubeObject): string {
    return this.createPod(namespace, owner, "Deployment");
  }

  private createPod(namespace: string, owner: KubeObject, kind: "Deployment" | "Job"): string {
    const spec = owner.spec as {
      template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Json };
    };
    const podName = `${owner.metadata.name}-${randomBytes(3).toString("hex")}`;
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: podName,
        namespace,
        uid: uid(),
        labels: { ...spec.template?.metadata?.labels, ...(kind === "Job" ? { "job-name": owner.metadata.name } : {}) },
        annotations: { ...spec.template?.metadata?.annotations },
      },
      spec: { ...(spec.template?.spec ?? { containers: [] }), ...this.schedule(spec.template?.spec) },
      status: { phase: "Pending" },
    };
    this.options.mutatePod?.(this, namespace, pod);
    this.pods.set(`${namespace}/${podName}`, { pod, log: "", owner: { kind, name: owner.metadata.name } });
    return podName;
  }
}

/** The node a required node affinity on metadata.name names; nothing when the pod is not pinned. */
function pinnedNode(podSpec: Json | undefined): string | undefined {
  const affinity = podSpec?.affinity as
    | {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { values?: string[] }[] }[] };
        };
      }
    | undefined;
  return affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]
    ?.values?.[0];
}

function containerNames(pod: KubeObject): string[] {
  const spec = pod.spec as { containers?: { name: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.name);
}

/** Equality selectors only ("a=b,c=d"), which is all the backend uses. */
export function matches(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return k !== undefined && labels?.[k] === v;
  });
}

function uid(): string {
  return randomBytes(8).toString("hex");
}

function status(code: number, message: string): Json {
  return { apiVersion: "v1", kind: "Status", status: code < 300 ? "Success" : "Failure", message, code };
}

function send(res: ServerResponse, code: number, body: unknown): true {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
  return true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A Node as the kubelet reports it, for FakeKubernetesApi.nodes. */
export function fakeNode(
  name: string,
  options: { ready?: boolean; cordoned?: boolean; role?: string; taint?: "NoSchedule"; architecture?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: options.role ? { [`node-role.kubernetes.io/${options.role}`]: "" } : {} },
    spec: {
      ...(options.cordoned ? { unschedulable: true } : {}),
      ...(options.taint ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: options.taint }] } : {}),
    },
    status: {
      capacity: { cpu: "8", memory: "32879744Ki" },
      conditions: [{ type: "Ready", status: options.ready === false ? "False" : "True" }],
      nodeInfo: {
        kernelVersion: "6.8.0-1021-gcp",
        osImage: "Ubuntu 24.04.1 LTS",
        kubeletVersion: "v1.31.4",
        architecture: options.architecture ?? "amd64",
      },
    },
  };
}

/** A kubeconfig file's text (JSON is YAML) pointing at a FakeKubernetesApi, for processes that read KUBECONFIG. */
export function fakeKubeconfigFile(server: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses plain http unless TLS verification is off.
    clusters: [{ name: "fake", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name: "meshbench", user: { token: "fake-token" } }],
    contexts: [{ name: "fake", context: { cluster: "fake", user: "meshbench" } }],
    "current-context": "fake",
  });
}

/** A KubeConfig pointing @kubernetes/client-node at a FakeKubernetesApi's URL, as a kubeconfig file would. */
export function fakeKubeConfig(server: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(fakeKubeconfigFile(server));
  return kubeConfig;
}
