import type { KubernetesMesh } from "~/core/kubernetes-meshes";
import { type FakeKubernetesApi, type FakeKubernetesApiOptions, type KubeObject, matches } from "./fake-kube-api";

/**
 * A fake cluster that behaves like the meshes, for FakeKubernetesApi: the meshes' injection
 * webhooks, their node agents' pod annotations, Consul's registration gate, and a kubelet that
 * runs each container as the real program would (fortio, MeshBench's fortio driver, sidecars
 * that never exit) and keeps a pod log the way the container runtime does. Each behaviour names
 * the upstream source it follows; nothing here decides a test's outcome by itself.
 */

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  restartPolicy?: string;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
}

export interface MeshModelOptions {
  /** The mesh installed on the fake cluster ("baseline": none). */
  mesh: KubernetesMesh;
  /**
   * Istio installed with a revision: istiod-<rev>, whose webhook answers only `istio.io/rev=<rev>`
   * (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml:
   * the `istio-injection=enabled` selectors exist only when `.Values.revision` is empty).
   */
  istioRevision?: string;
  /** What the measured fortio run produces: fortio's result JSON (fortio load -json / the REST API's answer). */
  fortioJson: string;
}

const SIDECAR_STATUS = "sidecar.istio.io/status";

/** The mesh's own containers on an injected pod, and the annotations its injector writes. */
interface Injection {
  init: string[];
  sidecar: string;
  native: boolean;
  annotations: Record<string, string>;
}

function istioInjects(ns: KubeObject, pod: KubeObject, revision: string | undefined): boolean {
  // istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
  const nsLabels = ns.metadata.labels ?? {};
  const podLabels = pod.metadata.labels ?? {};
  if (podLabels["sidecar.istio.io/inject"] === "false") return false;
  const rev = revision ?? "default";
  if (nsLabels["istio.io/rev"] === rev && nsLabels["istio-injection"] === undefined) return true;
  if (revision === undefined && nsLabels["istio-injection"] === "enabled") return true;
  if (nsLabels["istio.io/rev"] === undefined && nsLabels["istio-injection"] === undefined) {
    if (podLabels["istio.io/rev"] === rev) return true;
    if (revision === undefined && podLabels["sidecar.istio.io/inject"] === "true" && podLabels["istio.io/rev"] === undefined)
      return true;
  }
  return false;
}

function injectionFor(options: MeshModelOptions, ns: KubeObject, pod: KubeObject): Injection | null {
  const annotations = pod.metadata.annotations ?? {};
  switch (options.mesh) {
    case "istio":
      if (!istioInjects(ns, pod, options.istioRevision)) return null;
      // istio/istio pkg/kube/inject/inject.go: istio-init (unless istio-cni), istio-proxy; with
      // sidecar.istio.io/nativeSidecar=true the proxy is an init container with restartPolicy Always.
      return {
        init: ["istio-init"],
        sidecar: "istio-proxy",
        native: annotations["sidecar.istio.io/nativeSidecar"] === "true",
        annotations: { [SIDECAR_STATUS]: '{"containers":["istio-proxy"]}' },
      };
    case "linkerd":
      // linkerd/linkerd2 pkg/k8s/labels.go (linkerd.io/inject, linkerd-init, linkerd-proxy,
      // linkerd.io/proxy-version, config.alpha.linkerd.io/proxy-enable-native-sidecar) and pkg/inject.
      if (annotations["linkerd.io/inject"] !== "enabled" && ns.metadata.annotations?.["linkerd.io/inject"] !== "enabled")
        return null;
      return {
        init: ["linkerd-init"],
        sidecar: "linkerd-proxy",
        native: annotations["config.alpha.linkerd.io/proxy-enable-native-sidecar"] === "true",
        annotations: { "linkerd.io/proxy-version": "edge-24.11.8" },
      };
    case "consul":
      // hashicorp/consul-k8s control-plane/connect-inject/webhook/mesh_webhook.go (sidecarContainer
      // "consul-dataplane"), container_init.go ("consul-connect-inject-init"),
      // constants/annotations_and_labels.go (connect-inject-status: injected).
      if (annotations["consul.hashicorp.com/connect-inject"] !== "true") return null;
      return {
        init: ["consul-connect-inject-init"],
        sidecar: "consul-dataplane",
        native: false,
        annotations: { "consul.hashicorp.com/connect-inject-status": "injected" },
      };
    default:
      return null;
  }
}

/** The options that make FakeKubernetesApi behave like a cluster with `options.mesh` installed. */
export function meshModelCluster(options: MeshModelOptions): FakeKubernetesApiOptions {
  const started = new Set<string>();
  return {
    mutatePod: (api, namespace, pod) => {
      const ns = api.namespaces.get(namespace);
      if (!ns) return;
      const spec = pod.spec as unknown as PodSpec;
      const injection = injectionFor(options, ns, pod);
      if (injection) {
        const sidecar: Container = { name: injection.sidecar, image: `fake/${injection.sidecar}` };
        const init = injection.init.map((name) => ({ name, image: `fake/${name}` }));
        spec.initContainers = [
          ...init,
          ...(injection.native ? [{ ...sidecar, restartPolicy: "Always" }] : []),
          ...(spec.initContainers ?? []),
        ];
        if (!injection.native) spec.containers = [...spec.containers, sidecar];
        pod.metadata.annotations = { ...pod.metadata.annotations, ...injection.annotations };
      }
      // istio/istio cni/pkg/nodeagent (annotation.AmbientRedirection, constants.AmbientRedirectionEnabled):
      // istio-cni marks a pod of an ambient namespace once ztunnel on its node captures its traffic.
      const ztunnel = api.objects.has("daemonsets/istio-system/ztunnel");
      if (options.mesh.startsWith("istio-ambient") && ztunnel && ns.metadata.labels?.["istio.io/dataplane-mode"] === "ambient")
        pod.metadata.annotations = { ...pod.metadata.annotations, "ambient.istio.io/redirection": "enabled" };
    },
    kubelet: (api) => {
      if (options.mesh === "istio-ambient-waypoint") deployWaypoints(api);
      for (const [key, state] of api.pods) {
        if (started.has(key)) continue;
        const pod = state.pod;
        const namespace = pod.metadata.namespace ?? "";
        const spec = pod.spec as unknown as PodSpec;
        if (isProbe(spec)) continue; // bpftrace Jobs: not modelled here
        if (waitsForConsulRegistration(api, namespace, pod)) {
          // consul-k8s control-plane/subcommand/connect-init/command.go waits until the pod's service
          // is registered ("Unable to find registered services; retrying"), and the endpoints
          // controller (control-plane/connect-inject/controllers/endpoints) registers a pod only
          // through the Endpoints of a Service that selects it.
          pod.status = {
            phase: "Pending",
            initContainerStatuses: [
              { name: "consul-connect-inject-init", ready: false, restartCount: 0, state: { running: { startedAt: now() } } },
            ],
            containerStatuses: spec.containers.map((c) => ({
              name: c.name,
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: "PodInitializing" } },
            })),
          };
          continue;
        }
        started.add(key);
        startPod(state, spec, options, consulDenies(api, namespace, options));
      }
    },
  };
}

/**
 * istio/istio pilot/pkg/config/kube/gateway (deployment controller) with
 * manifests/charts/istio-control/istio-discovery/files/waypoint.yaml: for a Gateway of class
 * istio-waypoint, istiod deploys a Deployment of that name whose pods carry
 * gateway.networking.k8s.io/gateway-name=<name> and run istio-proxy.
 */
function deployWaypoints(api: FakeKubernetesApi): void {
  for (const [namespace] of api.namespaces) {
    for (const gateway of api.objectsOf("gateways", namespace)) {
      const spec = gateway.spec as { gatewayClassName?: string } | undefined;
      if (spec?.gatewayClassName !== "istio-waypoint") continue;
      const name = gateway.metadata.name;
      const exists = [...api.pods.values()].some(
        (p) =>
          p.pod.metadata.namespace === namespace && p.pod.metadata.labels?.["gateway.networking.k8s.io/gateway-name"] === name,
      );
      if (exists) continue;
      api.addControllerPod(namespace, {
        metadata: { name, namespace },
        spec: {
          template: {
            metadata: { labels: { "gateway.networking.k8s.io/gateway-name": name } },
            spec: { containers: [{ name: "istio-proxy", image: "fake/proxyv2" }] },
          },
        },
      });
    }
  }
}

/**
 * Consul with ACLs on (consul-k8s Helm global.acls.manageSystemACLs) denies service-to-service
 * traffic that no intention allows: true when the namespace has no ServiceIntentions allowing
 * fortio-client → fortio-server.
 */
function consulDenies(api: FakeKubernetesApi, namespace: string, options: MeshModelOptions): boolean {
  if (options.mesh !== "consul") return false;
  return !api.objectsOf("serviceintentions", namespace).some((i) => {
    const spec = i.spec as { destination?: { name?: string }; sources?: { name?: string; action?: string }[] } | undefined;
    return (
      spec?.destination?.name === "fortio-server" && spec.sources?.some((s) => s.name === "fortio-client" && s.action === "allow")
    );
  });
}

function isProbe(spec: PodSpec): boolean {
  return spec.containers.some((c) => c.image?.includes("bpftrace"));
}

function waitsForConsulRegistration(api: FakeKubernetesApi, namespace: string, pod: KubeObject): boolean {
  if (pod.metadata.annotations?.["consul.hashicorp.com/connect-inject-status"] !== "injected") return false;
  return !api.objectsOf("services", namespace).some((service) => {
    const selector = (service.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!selector || Object.keys(selector).length === 0) return false;
    const wanted = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return matches(pod.metadata.labels, wanted);
  });
}

type Outcome = { running: true } | { running: false; exitCode: number; log: string };

function startPod(
  state: { pod: KubeObject; log: string; containerLogs?: Record<string, string> },
  spec: PodSpec,
  options: MeshModelOptions,
  denied: boolean,
) {
  const logs: Record<string, string> = {};
  const outcomes = new Map<string, Outcome>();
  for (const c of spec.containers) {
    const outcome = runContainer(c, spec, options, denied);
    outcomes.set(c.name, outcome);
    logs[c.name] = outcome.running ? "" : outcome.log;
  }
  state.containerLogs = logs;
  state.log = Object.values(logs).join("");
  const startedAt = now();
  const statusOf = (c: Container) => {
    const o = outcomes.get(c.name) ?? { running: true };
    return {
      name: c.name,
      ready: o.running,
      restartCount: 0,
      image: c.image ?? "fake",
      imageID: "fake",
      state: o.running
        ? { running: { startedAt } }
        : {
            terminated: {
              exitCode: o.exitCode,
              reason: o.exitCode === 0 ? "Completed" : "Error",
              startedAt,
              finishedAt: now(),
            },
          },
    };
  };
  const allDone = [...outcomes.values()].every((o) => !o.running);
  state.pod.status = {
    phase: allDone ? ([...outcomes.values()].every((o) => !o.running && o.exitCode === 0) ? "Succeeded" : "Failed") : "Running",
    conditions: [{ type: "Ready", status: allDone ? "False" : "True" }],
    initContainerStatuses: (spec.initContainers ?? []).map((c) =>
      c.restartPolicy === "Always"
        ? { name: c.name, ready: true, restartCount: 0, state: { running: { startedAt } } }
        : {
            name: c.name,
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: "Completed", startedAt, finishedAt: startedAt } },
          },
    ),
    containerStatuses: spec.containers.map(statusOf),
  };
}

/** What a container does, by its program. Sidecars and servers never exit. */
function runContainer(c: Container, spec: PodSpec, options: MeshModelOptions, denied: boolean): Outcome {
  const args = c.args ?? [];
  if (c.image?.includes("fortio") && args[0] === "load") {
    if (denied) return { running: false, exitCode: 1, log: "Aborting because of error 403 for http://fortio-server\n" };
    return fortioLoad(args, options.fortioJson);
  }
  if (c.env?.some((e) => e.name === "MEASURE_QUERY")) {
    // MeshBench's driver (busybox, core/kubernetes-manifests.ts DRIVER_SCRIPT): waits for the pod's
    // own fortio server and for the target, runs the loads over loopback, cats the stored answer.
    const localServer = spec.containers.some((o) => o.image?.includes("fortio") && o.args?.[0] === "server");
    if (!localServer) return { running: false, exitCode: 3, log: "fortio did not start\n" };
    const target = c.env.find((e) => e.name === "TARGET_URL")?.value ?? "";
    if (denied) return { running: false, exitCode: 4, log: `${target} does not answer\n` };
    return { running: false, exitCode: 0, log: options.fortioJson };
  }
  return { running: true };
}

/**
 * fortio/fortio cli/fortio_main.go: `load` prints "All done …" to stderr, writes the JSON with one
 * Write to stdout (`-json -`) or a file, then "Successfully wrote N bytes of Json data to …" to
 * stderr. The container runtime copies stdout and stderr into the one pod log independently, line
 * by line as it reads each pipe, so a stderr line written after a large stdout write can land
 * between that write's lines (the Kubernetes CRI log format tags every line with its stream; the
 * logs API returns them in the order they were copied).
 */
function fortioLoad(args: string[], json: string): Outcome {
  const target = args[args.indexOf("-json") + 1];
  const before = "All done 10000 calls (plus 16 warmup) 0.728 ms avg, 999.9 qps\n";
  const bytes = Buffer.byteLength(json);
  if (target !== "-")
    return { running: false, exitCode: 0, log: `${before}Successfully wrote ${bytes} bytes of Json data to ${target}\n` };
  const lines = json.split("\n");
  const middle = Math.floor(lines.length / 2);
  const merged = [
    ...lines.slice(0, middle),
    `Successfully wrote ${bytes} bytes of Json data to stdout`,
    ...lines.slice(middle),
  ].join("\n");
  return { running: false, exitCode: 0, log: `${before}${merged}` };
}

function now(): string {
  return new Date().toISOString();
}
