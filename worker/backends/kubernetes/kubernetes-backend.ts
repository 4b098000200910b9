import { setTimeout as sleep } from "node:timers/promises";
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1Deployment,
  type V1Job,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V1ServiceAccount,
  VersionApi,
} from "@kubernetes/client-node";
import { CLIENT_NAME, DRIVER_NAME, SERVER_NAME } from "~/core/cluster-names";
import { type KubernetesMeshProfile, podMeetsReadiness } from "~/core/kubernetes-meshes";
import { detectMesh, meshRefusal } from "~/core/mesh-detection";
import { parseFortioResult } from "~/core/parsers/fortio";
import type { ProbeRunResult } from "~/core/probes";
import { parseQuantity } from "~/core/quantity";
import type { RunEnvironment, RunEnvironmentNode } from "~/core/run-environment";
import { asBody, statusCode } from "~/server/cluster/client-node";
import { readInventory } from "~/server/cluster/cluster-status";
import { defaultKubeConfig } from "~/server/cluster/kubeconfig";
import { discoverScrapeInterval } from "~/server/metrics/scrape-interval";
import type { Backend, BackendContext, IterationOutcome } from "../types";
import { measureComponentResources } from "./component-resources";
import { clientJob, LABEL_RUN_ID, MANAGED_SELECTOR, type RunManifestOptions, runManifests } from "./manifests";
import { startNodeProbes } from "./node-probes";

export interface KubernetesBackendOptions {
  /** Default: KUBECONFIG, ~/.kube/config or the in-cluster service account (KubeConfig.loadFromDefault). */
  kubeConfig?: KubeConfig;
  /** fortio image, default the public one. */
  image?: string;
  /** The client pod's driver (busybox), default the public one. */
  driverImage?: string;
  /** bpftrace image of the node probes. */
  probeImage?: string;
  /** How long the server may take to be ready (pull, sidecar injection, mesh enrolment). Default 180 s. */
  readyTimeoutMs?: number;
  /** Time a client Job may take on top of its load (pull, scheduling, sidecar start). Default 300 s. */
  jobGraceMs?: number;
  /** How often pods are polled. Default 1 s. */
  pollIntervalMs?: number;
  /** Seconds a node probe keeps tracing after the measured window, to cover the client pod's start-up. Default 15. */
  probeMarginSeconds?: number;
  /** How long a node probe may take to be scheduled, pulled and attached. Default 120 s. */
  probeAttachTimeoutMs?: number;
  /** Where cAdvisor series are read (default PROMETHEUS_URL). */
  prometheusUrl?: string;
  manifests?: Pick<RunManifestOptions, "antiAffinity" | "serverResources" | "clientResources">;
}

/**
 * Runs the benchmark as pods on a cluster through @kubernetes/client-node: one namespace per run
 * (labelled managed-by=meshbench and the run id, plus the mesh's join labels), a fortio server,
 * and per repetition a fortio client Job, pinned to a node chosen up front, whose JSON log becomes
 * the IterationResult. CPU and memory per component come from the cluster's Prometheus (cAdvisor),
 * the spec's eBPF probes run as bpftrace Jobs on the client's and server's nodes. cleanup()
 * deletes the namespace, which deletes everything in it: on success, failure and cancellation.
 */
export class KubernetesBackend implements Backend {
  /** Probes run on the cluster's nodes, not on the worker's machine. */
  readonly runsProbes = true;
  private readonly kc: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly readyTimeoutMs: number;
  private readonly jobGraceMs: number;
  private readonly pollMs: number;

  private namespace: string | null = null;
  private revision: string | null = null;
  private profile: KubernetesMeshProfile | null = null;
  private server: { pod: string; node: string } | null = null;
  private clientNode: string | null = null;
  /** The nodes the cluster listed at prepare, and the URL the client targets: the run's environment. */
  private nodes: V1Node[] = [];
  private targetUrl: string | null = null;
  /** node name → architecture, for the probes' syscall names. */
  private architectures: Record<string, string> = {};
  private prepared = false;
  private cleaning: Promise<void> | null = null;
  private detachAbort: (() => void) | null = null;

  constructor(private readonly options: KubernetesBackendOptions = {}) {
    try {
      this.kc = options.kubeConfig ?? defaultKubeConfig();
    } catch (error) {
      throw new Error(`Kubernetes not connected: ${(error as Error).message}`);
    }
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.batch = this.kc.makeApiClient(BatchV1Api);
    this.custom = this.kc.makeApiClient(CustomObjectsApi);
    this.readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
    this.jobGraceMs = options.jobGraceMs ?? 300_000;
    this.pollMs = options.pollIntervalMs ?? 1_000;
  }

  /** The run's namespace once prepare() created it. */
  get namespaceName(): string | null {
    return this.namespace;
  }

  private manifestOptions(ctx: BackendContext): RunManifestOptions {
    return {
      runId: ctx.runId,
      spec: ctx.spec,
      ...(this.options.image ? { image: this.options.image } : {}),
      ...(this.options.driverImage ? { driverImage: this.options.driverImage } : {}),
      revision: this.revision,
      ...this.options.manifests,
    };
  }

  async prepare(ctx: BackendContext): Promise<void> {
    if (this.cleaning) throw new Error("KubernetesBackend: prepare() after cleanup(): use a new backend per run");
    if (this.namespace) throw new Error("KubernetesBackend: prepare() called twice");
    ctx.signal.throwIfAborted();
    const profile = runManifests(this.manifestOptions(ctx)).profile;
    // Checked again here, not only when the run was submitted: the mesh may have gone since.
    if (profile.detection) {
      ctx.setPhase?.(`checking that ${profile.label} is installed`);
      const detected = detectMesh(profile.mesh, await readInventory(this.kc));
      const refusal = meshRefusal(detected);
      if (refusal) throw new Error(refusal);
      this.revision = detected.revision;
    }
    const m = runManifests(this.manifestOptions(ctx));
    this.profile = m.profile;
    const ns = m.namespace.metadata.name;

    const onAbort = () => void this.cleanup().catch(() => {});
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    this.detachAbort = () => ctx.signal.removeEventListener("abort", onAbort);

    try {
      await this.core.createNamespace({ body: asBody<V1Namespace>(m.namespace) });
    } catch (error) {
      if (statusCode(error) === 409)
        throw new Error(
          `namespace ${ns} already exists: another worker is running this run, or the janitor has not removed a leftover yet`,
        );
      throw apiError(`creating namespace ${ns}`, error);
    }
    // From here on the namespace is ours: cleanup() deletes it.
    this.namespace = ns;
    ctx.log(`kubernetes backend: namespace ${ns} (${ctx.spec.mesh})`);
    for (const sa of m.serviceAccounts) {
      await this.core.createNamespacedServiceAccount({ namespace: ns, body: asBody<V1ServiceAccount>(sa) });
    }
    const custom = [
      ...m.policies.map((body) => ({ group: "cilium.io", version: "v2", plural: "ciliumnetworkpolicies", body })),
      ...m.consulConfig.map((body) => ({
        group: "consul.hashicorp.com",
        version: "v1alpha1",
        plural: body.kind === "ServiceDefaults" ? "servicedefaults" : "serviceintentions",
        body,
      })),
      ...m.gateways.map((body) => ({ group: "gateway.networking.k8s.io", version: "v1", plural: "gateways", body })),
    ];
    for (const { body, ...where } of custom) {
      await this.custom.createNamespacedCustomObject({ ...where, namespace: ns, body }).catch((error: unknown) => {
        throw apiError(`creating ${body.kind} ${body.metadata.name}`, error);
      });
    }
    await this.core.createNamespacedService({ namespace: ns, body: asBody<V1Service>(m.serverService) });
    await this.core.createNamespacedService({ namespace: ns, body: asBody<V1Service>(m.clientService) });
    await this.apps.createNamespacedDeployment({ namespace: ns, body: asBody<V1Deployment>(m.serverDeployment) });
    for (const gateway of m.gateways) await this.waitForWaypoint(ctx, ns, gateway.metadata.name);
    const server = await this.waitForServer(ctx, ns);
    const nodes = (await this.core.listNode()).items;
    this.nodes = nodes;
    this.targetUrl = m.targetUrl;
    this.architectures = Object.fromEntries(
      nodes.map((n) => [n.metadata?.name ?? "", n.status?.nodeInfo?.architecture ?? "amd64"]),
    );
    this.server = server;
    this.clientNode = chooseClientNode(nodes, server.node);
    if (!this.clientNode) throw new Error("no node to run the fortio client on: the cluster lists no ready, schedulable node");
    this.prepared = true;
    ctx.log(
      `kubernetes backend: ${SERVER_NAME} ready in ${ns} on ${server.node}; client on ${this.clientNode}` +
        (this.clientNode === server.node ? " (the same node: no other ready, schedulable node)" : ""),
    );
  }

  /**
   * The API server's version and the two nodes the run uses, with the capacity the cluster reports
   * for them. A version the API does not give is null, not a guess.
   */
  async environment(): Promise<RunEnvironment> {
    const kubernetesVersion = await this.kc
      .makeApiClient(VersionApi)
      .getCode()
      .then((v) => v.gitVersion)
      .catch(() => null);
    const roles = new Map<string, RunEnvironmentNode["roles"]>();
    if (this.clientNode) roles.set(this.clientNode, ["client"]);
    if (this.server?.node) roles.set(this.server.node, [...(roles.get(this.server.node) ?? []), "server"]);
    const nodes = [...roles].map(([name, nodeRoles]): RunEnvironmentNode => {
      const node = this.nodes.find((n) => n.metadata?.name === name);
      return {
        name,
        roles: nodeRoles,
        instanceType: node?.metadata?.labels?.["node.kubernetes.io/instance-type"] ?? null,
        cpuCores: parseQuantity(node?.status?.capacity?.cpu),
        memoryBytes: parseQuantity(node?.status?.capacity?.memory),
        kernel: node?.status?.nodeInfo?.kernelVersion ?? null,
        architecture: node?.status?.nodeInfo?.architecture ?? null,
      };
    });
    return { targetUrl: this.targetUrl, kubernetesVersion, nodes };
  }

  private async waitForServer(ctx: BackendContext, ns: string): Promise<{ pod: string; node: string }> {
    const rule = this.requireProfile().readiness;
    const deadline = Date.now() + this.readyTimeoutMs;
    let reason = "no pod yet";
    for (;;) {
      const pods = await this.core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/name=${SERVER_NAME}` });
      const pod = pods.items[0];
      if (pod) {
        const verdict = podMeetsReadiness(rule, readinessInput(pod));
        // A ready pod has been scheduled, so it has a node; the name is what the probes and cAdvisor need.
        if (verdict.ready) return { pod: pod.metadata?.name ?? SERVER_NAME, node: pod.spec?.nodeName ?? "" };
        reason = `${pod.metadata?.name ?? "pod"}: ${verdict.reason}`;
      }
      ctx.setPhase?.(`waiting for ${SERVER_NAME} (${reason})`);
      if (Date.now() + this.pollMs > deadline)
        throw new Error(`${SERVER_NAME} not ready after ${Math.round(this.readyTimeoutMs / 1000)} s (${reason})`);
      await sleep(this.pollMs, undefined, { signal: ctx.signal });
    }
  }

  /** Istio deploys the waypoint for the Gateway: its pods carry gateway.networking.k8s.io/gateway-name. */
  private async waitForWaypoint(ctx: BackendContext, ns: string, name: string): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    let reason = "no pod yet";
    for (;;) {
      const pods = await this.core.listNamespacedPod({
        namespace: ns,
        labelSelector: `gateway.networking.k8s.io/gateway-name=${name}`,
      });
      const pod = pods.items[0];
      if (pod) {
        const ready = pod.status?.containerStatuses?.some((c) => c.name === "istio-proxy" && c.ready);
        if (ready) return;
        reason = `${pod.metadata?.name ?? "pod"}: istio-proxy not ready`;
      }
      ctx.setPhase?.(`waiting for the waypoint ${name} (${reason})`);
      if (Date.now() + this.pollMs > deadline)
        throw new Error(`waypoint ${name} not ready after ${Math.round(this.readyTimeoutMs / 1000)} s (${reason})`);
      await sleep(this.pollMs, undefined, { signal: ctx.signal });
    }
  }

  async runIteration(ctx: BackendContext, iteration: number): Promise<IterationOutcome> {
    const ns = this.namespace;
    const server = this.server;
    const clientNode = this.clientNode;
    if (!ns || !server || !clientNode || !this.prepared || this.cleaning)
      throw new Error("KubernetesBackend: runIteration() needs a successful prepare() and no cleanup()");
    ctx.signal.throwIfAborted();
    const { spec } = ctx;
    const totalMs = (spec.warmupSeconds + spec.durationSeconds) * 1000;
    const started = Date.now();
    const progress = () => ctx.onIterationProgress(Math.min(0.99, (Date.now() - started) / totalMs));

    // Before the client pod starts: warm-up and measurement run in that one pod, back to back, so
    // the kernel figures of a cluster run cover the warm-up too.
    const repetition = `repetition ${iteration} of ${spec.repetitions}`;
    if (spec.probes.length > 0)
      ctx.setPhase?.(`${repetition}: attaching probes on ${[...new Set([clientNode, server.node])].join(", ")}`);
    const probes = await startNodeProbes({
      core: this.core,
      batch: this.batch,
      namespace: ns,
      runId: ctx.runId,
      iteration,
      probes: spec.probes,
      nodes: [clientNode, server.node].filter(Boolean),
      durationSeconds: spec.warmupSeconds + spec.durationSeconds + (this.options.probeMarginSeconds ?? 15),
      pollIntervalMs: this.pollMs,
      attachTimeoutMs: this.options.probeAttachTimeoutMs ?? 120_000,
      architectures: this.architectures,
      ...(this.options.probeImage ? { image: this.options.probeImage } : {}),
      signal: ctx.signal,
      log: ctx.log,
    });
    let probeResults: ProbeRunResult[] = [];
    let measured: ClientOutcome;
    try {
      ctx.signal.throwIfAborted();
      measured = await this.runClient(ctx, ns, iteration, progress);
    } finally {
      probeResults = await probes.stop();
    }
    if (measured.exitCode !== 0)
      throw new Error(`fortio client failed (${DRIVER_NAME} exit ${measured.exitCode}): ${tail(measured.log)}`);
    const parsed = parseFortioResult(measured.log, { iteration });
    for (const warning of parsed.warnings) ctx.log(`kubernetes backend: ${warning}`);

    ctx.setPhase?.(`${repetition}: reading CPU and memory from Prometheus`);
    const prometheusUrl = this.options.prometheusUrl;
    const scrape = await discoverScrapeInterval(prometheusUrl ? { prometheusUrl } : {});
    const resources = await measureComponentResources({
      resources: this.requireProfile().resources,
      workload: {
        namespace: ns,
        clientPods: [measured.pod],
        serverPods: [server.pod],
        nodes: [...new Set([clientNode, server.node].filter(Boolean))],
        // fortio's own start and duration of the measured load: the warm-up before it is left out.
        windowStart: parsed.result.startedAt,
        windowEnd: parsed.result.finishedAt,
      },
      scrapeIntervalSeconds: scrape.seconds,
      ...(prometheusUrl ? { prometheusUrl } : {}),
    });
    for (const warning of resources.warnings) ctx.log(`kubernetes backend: ${warning}`);
    ctx.onIterationProgress(1);
    return { ...parsed.result, components: resources.components, probeResults };
  }

  /**
   * Creates the repetition's client Job on the chosen node, waits for its driver to end (fortio and
   * the sidecar keep running), returns the driver's exit code and log, deletes the Job. A fortio
   * container that ends first (it crashed) ends the wait with its own log.
   */
  private async runClient(ctx: BackendContext, ns: string, iteration: number, progress: () => void): Promise<ClientOutcome> {
    const job = clientJob({ ...this.manifestOptions(ctx), iteration, nodeName: this.clientNode ?? undefined });
    const jobName = job.metadata.name;
    await this.batch.createNamespacedJob({ namespace: ns, body: asBody<V1Job>(job) });
    const seconds = ctx.spec.warmupSeconds + ctx.spec.durationSeconds;
    const deadline = Date.now() + seconds * 1000 + this.jobGraceMs;
    const selector = `app.kubernetes.io/name=${CLIENT_NAME},meshbench.io/iteration=${iteration}`;
    let runningSince: number | null = null;
    try {
      for (;;) {
        const pods = await this.core.listNamespacedPod({ namespace: ns, labelSelector: selector });
        for (const pod of pods.items) {
          const name = pod.metadata?.name ?? "";
          const statuses = pod.status?.containerStatuses ?? [];
          const driver = statuses.find((c) => c.name === DRIVER_NAME)?.state?.terminated;
          const fortio = statuses.find((c) => c.name === CLIENT_NAME)?.state?.terminated;
          const ended = driver ?? fortio;
          if (ended) {
            const container = driver ? DRIVER_NAME : CLIENT_NAME;
            const log = await this.core.readNamespacedPodLog({ namespace: ns, name, container });
            return { exitCode: driver ? driver.exitCode : (fortio?.exitCode ?? 1) || 1, log, pod: name };
          }
          if (runningSince === null && statuses.find((c) => c.name === DRIVER_NAME)?.state?.running) runningSince = Date.now();
        }
        progress();
        ctx.setPhase?.(
          `repetition ${iteration} of ${ctx.spec.repetitions}: ${clientPhase(ctx.spec.warmupSeconds, runningSince)} (${clientPodState(pods.items[0])})`,
        );
        if (Date.now() + this.pollMs > deadline)
          throw new Error(`${jobName} did not finish within ${Math.round(seconds + this.jobGraceMs / 1000)} s`);
        await sleep(this.pollMs, undefined, { signal: ctx.signal });
      }
    } finally {
      await this.batch
        .deleteNamespacedJob({ namespace: ns, name: jobName, propagationPolicy: "Background" })
        .catch((error: unknown) => {
          if (statusCode(error) !== 404 && !this.cleaning)
            ctx.log(`kubernetes backend: deleting ${jobName}: ${(error as Error).message}`);
        });
    }
  }

  private requireProfile(): KubernetesMeshProfile {
    if (!this.profile) throw new Error("KubernetesBackend: not prepared");
    return this.profile;
  }

  cleanup(): Promise<void> {
    this.cleaning ??= this.deleteNamespace();
    return this.cleaning;
  }

  private async deleteNamespace(): Promise<void> {
    this.detachAbort?.();
    const ns = this.namespace;
    if (!ns) return;
    let lastError: unknown = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.core.deleteNamespace({ name: ns, propagationPolicy: "Background" });
        return;
      } catch (error) {
        if (statusCode(error) === 404) return;
        lastError = error;
        await sleep(Math.min(this.pollMs, 1_000));
      }
    }
    // The janitor deletes it on the next worker start.
    throw apiError(`deleting namespace ${ns}`, lastError);
  }
}

interface ClientOutcome {
  exitCode: number;
  /** The driver's log: fortio's JSON on success (see DRIVER_SCRIPT), the error otherwise. */
  log: string;
  pod: string;
}

/** What the client pod is most likely doing: the driver cannot say without mixing its log. */
function clientPhase(warmupSeconds: number, runningSince: number | null): string {
  if (runningSince === null) return "starting the client";
  const elapsed = (Date.now() - runningSince) / 1000;
  return warmupSeconds > 0 && elapsed < warmupSeconds ? "warm-up" : "measuring";
}

/**
 * The node for the client pods: a ready, schedulable node without a NoSchedule/NoExecute taint,
 * another than the server's when there is one, so client and server do not compete for one node's
 * CPU and the traffic crosses the network as it does in production. Falls back to the server's node.
 */
export function chooseClientNode(nodes: readonly V1Node[], serverNode: string): string {
  const usable = nodes.filter(
    (n) =>
      !n.spec?.unschedulable &&
      n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") &&
      !n.spec?.taints?.some((t) => t.effect === "NoSchedule" || t.effect === "NoExecute"),
  );
  const other = usable.find((n) => n.metadata?.name && n.metadata.name !== serverNode);
  return other?.metadata?.name ?? serverNode;
}

/**
 * Deletes namespaces MeshBench left behind (a worker that crashed mid-run) whose run is no longer
 * running. Call on worker start-up. Returns the namespaces deleted.
 */
export async function deleteLeftoverNamespaces(
  kc: KubeConfig,
  isRunActive: (runId: string) => Promise<boolean>,
  log: (message: string) => void = () => {},
): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespace({ labelSelector: MANAGED_SELECTOR });
  const deleted: string[] = [];
  for (const ns of list.items) {
    const name = ns.metadata?.name;
    const runId = ns.metadata?.annotations?.[LABEL_RUN_ID] ?? ns.metadata?.labels?.[LABEL_RUN_ID];
    if (!name || !runId || ns.metadata?.deletionTimestamp) continue;
    if (await isRunActive(runId)) continue;
    try {
      await core.deleteNamespace({ name, propagationPolicy: "Background" });
      deleted.push(name);
      log(`janitor: deleted leftover namespace ${name} (run ${runId})`);
    } catch (error) {
      if (statusCode(error) !== 404) log(`janitor: could not delete ${name}: ${(error as Error).message}`);
    }
  }
  return deleted;
}

/** "pod Pending", "ContainerCreating", "fortio running": where a client pod is, for the run page. */
function clientPodState(pod: V1Pod | undefined): string {
  if (!pod) return "no pod yet";
  const fortio = pod.status?.containerStatuses?.find((c) => c.name === CLIENT_NAME)?.state;
  if (fortio?.waiting?.reason) return fortio.waiting.reason;
  const init = pod.status?.initContainerStatuses?.find((c) => c.state?.running && !c.ready);
  if (init) return `init container ${init.name} running`;
  if (fortio?.running) return "fortio running";
  return `pod ${pod.status?.phase ?? "Pending"}`;
}

function readinessInput(pod: V1Pod) {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return {
    containers: statuses.map((c) => ({ name: c.name, ready: c.ready && c.state?.running !== undefined })),
    annotations: pod.metadata?.annotations ?? {},
  };
}

function apiError(what: string, error: unknown): Error {
  const code = statusCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`Kubernetes API: ${what} failed${code ? ` (HTTP ${code})` : ""}: ${message.slice(0, 500)}`);
}

function tail(text: string, chars = 800): string {
  const t = text.trim();
  return t.length > chars ? `…${t.slice(-chars)}` : t || "(empty log)";
}
