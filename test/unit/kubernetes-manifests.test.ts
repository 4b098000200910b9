import { CiliumNetworkPolicy } from "@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { CLIENT_NAME, runNamespaceName, SERVER_NAME, shortRunId } from "~/core/cluster-names";
import {
  isKubernetesMesh,
  KUBERNETES_MESH_PROFILES,
  KUBERNETES_MESHES,
  kubernetesMeshProfile,
  podMeetsReadiness,
} from "~/core/kubernetes-meshes";
import { MESH_PROFILES, MESHES } from "~/core/meshes";
import { type RunSpecInput, runSpecSchema } from "~/core/spec";
import {
  clientJob,
  DEFAULT_DRIVER_IMAGE,
  DEFAULT_FORTIO_IMAGE,
  DRIVER_SCRIPT,
  fortioRunQuery,
  runManifests,
  runObjects,
} from "~/worker/backends/kubernetes/manifests";

const runId = "cmh3x9y2k0000abcd1234efgh";
const spec = (input: Partial<RunSpecInput> = {}) =>
  runSpecSchema.parse({
    backend: "KUBERNETES",
    mesh: "baseline",
    mode: "fixed-rate",
    rate: 1000,
    connections: 16,
    durationSeconds: 30,
    warmupSeconds: 5,
    payloadBytes: 2048,
    ...input,
  });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

describe("mesh profiles", () => {
  it("cover exactly the catalog's Kubernetes meshes", () => {
    const fromCatalog = MESH_PROFILES.filter((m) => MESHES[m].backends.includes("KUBERNETES"));
    expect([...KUBERNETES_MESHES].sort()).toEqual([...fromCatalog].sort());
    for (const mesh of KUBERNETES_MESHES) expect(KUBERNETES_MESH_PROFILES[mesh].mesh).toBe(mesh);
    expect(isKubernetesMesh("nginx")).toBe(false);
    expect(() => kubernetesMeshProfile("haproxy")).toThrow(/local backend only/);
  });

  it("join the mesh the way each mesh's injector expects", () => {
    // istio-injection=enabled is answered only by a default-revision install; istio.io/rev by every one.
    expect(KUBERNETES_MESH_PROFILES.istio.join.namespaceLabels).toEqual({});
    expect(KUBERNETES_MESH_PROFILES.istio.join.revisionNamespaceLabel).toBe("istio.io/rev");
    expect(runManifests({ runId, spec: spec({ mesh: "istio" }), revision: "1-24-2" }).namespace.metadata.labels).toMatchObject({
      "istio.io/rev": "1-24-2",
    });
    expect(runManifests({ runId, spec: spec({ mesh: "istio" }) }).namespace.metadata.labels?.["istio.io/rev"]).toBe("default");
    expect(KUBERNETES_MESH_PROFILES["istio-ambient-waypoint"].join.namespaceLabels).toEqual({
      "istio.io/dataplane-mode": "ambient",
      "istio.io/use-waypoint": "waypoint",
    });
    expect(KUBERNETES_MESH_PROFILES["istio-ambient"].join.namespaceLabels).toEqual({ "istio.io/dataplane-mode": "ambient" });
    expect(KUBERNETES_MESH_PROFILES.linkerd.join.podAnnotations).toEqual({ "linkerd.io/inject": "enabled" });
    expect(KUBERNETES_MESH_PROFILES.consul.join.podAnnotations).toEqual({ "consul.hashicorp.com/connect-inject": "true" });
    for (const mesh of ["baseline", "cilium", "cilium-mutual-auth"] as const) {
      const join = KUBERNETES_MESH_PROFILES[mesh].join;
      expect(Object.keys({ ...join.namespaceLabels, ...join.podAnnotations, ...join.podLabels })).toEqual([]);
    }
  });

  it("attribute CPU and memory to the proxy of each mesh", () => {
    const containers = (mesh: (typeof KUBERNETES_MESHES)[number]) =>
      KUBERNETES_MESH_PROFILES[mesh].resources.filter((r) => r.role === "proxy").map((r) => r.source.container);
    expect(containers("baseline")).toEqual([]);
    expect(containers("istio")).toEqual(["istio-proxy", "istio-proxy"]);
    expect(containers("linkerd")).toEqual(["linkerd-proxy", "linkerd-proxy"]);
    expect(containers("consul")).toEqual(["consul-dataplane", "consul-dataplane"]);
    expect(containers("cilium")).toEqual(["cilium-agent", "cilium-envoy"]);
    expect(KUBERNETES_MESH_PROFILES["istio-ambient"].resources.map((r) => r.component)).toEqual(["ztunnel", "istiod"]);
    expect(KUBERNETES_MESH_PROFILES["istio-ambient-waypoint"].resources.map((r) => r.component)).toEqual([
      "ztunnel",
      "waypoint",
      "istiod",
    ]);
    // Linkerd's whole control plane, every container of it (charts/linkerd-control-plane/templates).
    const linkerdControlPlane = KUBERNETES_MESH_PROFILES.linkerd.resources.find((r) => r.role === "control-plane")?.source;
    expect(linkerdControlPlane).toMatchObject({
      podNameRegex: "linkerd-(destination|identity|proxy-injector)-.*",
      container: ["destination", "sp-validator", "policy", "identity", "proxy-injector", "linkerd-proxy"],
    });
    for (const mesh of KUBERNETES_MESHES) {
      for (const r of KUBERNETES_MESH_PROFILES[mesh].resources) {
        const source = r.source;
        if (source.kind !== "workload") expect(() => new RegExp(source.podNameRegex)).not.toThrow();
      }
    }
  });

  it("detect every mesh but the baseline from namespaces, workloads and CRDs", () => {
    expect(KUBERNETES_MESH_PROFILES.baseline.detection).toBeNull();
    for (const mesh of KUBERNETES_MESHES.filter((m) => m !== "baseline")) {
      const d = KUBERNETES_MESH_PROFILES[mesh].detection;
      expect(d?.namespaces.length, mesh).toBeGreaterThan(0);
      expect(d?.workloads.length, mesh).toBeGreaterThan(0);
      for (const crd of d?.crds ?? []) expect(crd).toMatch(/^[a-z]+\.[a-z0-9.-]+$/);
    }
    expect(KUBERNETES_MESH_PROFILES["istio-ambient"].detection?.workloads.map((w) => `${w.kind}/${w.names[0]}`)).toEqual([
      "Deployment/istiod",
      "DaemonSet/ztunnel",
    ]);
  });

  it("readiness: a sidecar pod needs 2/2 with the proxy ready and the mesh's annotation", () => {
    const rule = KUBERNETES_MESH_PROFILES.istio.readiness;
    const annotations = { "sidecar.istio.io/status": '{"containers":["istio-proxy"]}' };
    expect(podMeetsReadiness(rule, { containers: [{ name: SERVER_NAME, ready: true }], annotations })).toEqual({
      ready: false,
      reason: "1/2 containers ready",
    });
    expect(
      podMeetsReadiness(rule, {
        containers: [
          { name: SERVER_NAME, ready: true },
          { name: "istio-proxy", ready: false },
        ],
        annotations,
      }).ready,
    ).toBe(false);
    const both = [
      { name: SERVER_NAME, ready: true },
      { name: "istio-proxy", ready: true },
    ];
    expect(podMeetsReadiness(rule, { containers: both, annotations })).toEqual({ ready: true });
    expect(podMeetsReadiness(rule, { containers: both, annotations: {} })).toMatchObject({ ready: false });
    const consul = KUBERNETES_MESH_PROFILES.consul.readiness;
    expect(
      podMeetsReadiness(consul, {
        containers: [
          { name: SERVER_NAME, ready: true },
          { name: "consul-dataplane", ready: true },
        ],
        annotations: { "consul.hashicorp.com/connect-inject-status": "skipped" },
      }),
    ).toMatchObject({ ready: false, reason: expect.stringMatching(/=injected missing/) });
    expect(
      podMeetsReadiness(KUBERNETES_MESH_PROFILES.baseline.readiness, {
        containers: [{ name: "x", ready: true }],
        annotations: {},
      }),
    ).toEqual({ ready: true });
  });
});

describe("run manifests", () => {
  it.each(KUBERNETES_MESHES)("%s: every object passes the Kubernetes schemas", (mesh) => {
    for (const mode of ["fixed-rate", "max"] as const) {
      const s = spec({ mesh, mode, ...(mode === "max" ? { rate: undefined } : {}) });
      const m = runManifests({ runId, spec: s });
      expect(() => new Namespace(m.namespace).validate()).not.toThrow();
      for (const sa of m.serviceAccounts) expect(() => new ServiceAccount(sa).validate()).not.toThrow();
      expect(() => new Deployment(m.serverDeployment).validate()).not.toThrow();
      expect(() => new Service(m.serverService).validate()).not.toThrow();
      expect(() => new Service(m.clientService).validate()).not.toThrow();
      // Cilium's own CRD schema (@kubernetes-models/cilium) for its L7 policy.
      for (const policy of m.policies) expect(() => new CiliumNetworkPolicy(policy).validate()).not.toThrow();
      expect(m.policies.length).toBe(mesh.startsWith("cilium") ? 1 : 0);
      expect(m.consulConfig.length).toBe(mesh === "consul" ? 3 : 0);
      expect(m.gateways.length).toBe(mesh === "istio-ambient-waypoint" ? 1 : 0);
      for (const antiAffinity of ["preferred", "required"] as const) {
        for (const pinned of [{}, { nodeName: "ip-10-0-1-23.eu-west-1.compute.internal" }]) {
          const job = clientJob({ runId, spec: s, iteration: 3, antiAffinity, ...pinned });
          expect(() => new Job(job).validate()).not.toThrow();
          expect(job.metadata.name).toMatch(DNS_LABEL);
        }
      }
      for (const obj of [m.namespace, m.serverDeployment, m.serverService, ...m.serviceAccounts]) {
        expect(obj.metadata.name).toMatch(DNS_LABEL);
      }
    }
  });

  it.each(KUBERNETES_MESHES)("%s: namespace and pods carry MeshBench's labels and the mesh's join labels", (mesh) => {
    const s = spec({ mesh });
    const { namespace, serverDeployment, selector, profile } = runManifests({ runId, spec: s });
    expect(namespace.metadata.name).toBe(`meshbench-${shortRunId(runId)}`);
    expect(namespace.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "meshbench",
      "meshbench.io/run-id": runId,
      "meshbench.io/mesh": mesh,
      ...profile.join.namespaceLabels,
    });
    expect(namespace.metadata.annotations?.["meshbench.io/run-id"]).toBe(runId);
    expect(selector).toBe(`app.kubernetes.io/managed-by=meshbench,meshbench.io/run-id=${runId}`);
    const job = clientJob({ runId, spec: s, iteration: 0 });
    for (const template of [serverDeployment.spec?.template, job.spec?.template]) {
      expect(template?.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("meshbench");
      expect(template?.metadata?.annotations).toMatchObject(profile.join.podAnnotations);
    }
    expect(job.spec?.template.metadata?.annotations).toMatchObject(profile.join.clientPodAnnotations);
    expect(job.metadata.namespace).toBe(namespace.metadata.name);
  });

  it("namespace name: meshbench-<short run id>, DNS-safe whatever the id", () => {
    expect(runNamespaceName(runId)).toBe("meshbench-cd1234efgh");
    expect(runNamespaceName("Run_42")).toBe("meshbench-run42");
    expect(runNamespaceName("0b7f6c2e-3a4d-4e5f-9a8b-7c6d5e4f3a2b")).toMatch(DNS_LABEL);
    expect(() => runNamespaceName("---")).toThrow(/no usable characters/);
  });

  it("server: fortio server Deployment + Service, resources set, kept away from the client", () => {
    const m = runManifests({ runId, spec: spec({ mesh: "istio" }), image: "registry.local/fortio:1.69.1" });
    const pod = m.serverDeployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(container?.image).toBe("registry.local/fortio:1.69.1");
    expect(container?.args).toEqual(["server", "-http-port", "8080"]);
    expect(container?.resources?.requests).toMatchObject({ cpu: "1" });
    expect(container?.resources?.limits?.memory).toBeDefined();
    expect(pod?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm).toMatchObject({
      topologyKey: "kubernetes.io/hostname",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": CLIENT_NAME } },
    });
    expect(m.serverService.spec?.selector).toEqual(m.serverDeployment.spec?.selector.matchLabels);
    expect(m.serverDeployment.spec?.template.metadata?.labels).toMatchObject(m.serverDeployment.spec?.selector.matchLabels ?? {});
    expect(m.targetUrl).toBe(`http://fortio-server.${m.namespace.metadata.name}.svc:8080/echo?size=2048`);
  });

  it("client: fortio server on loopback driven over its REST API, warm-up then measurement in one pod", () => {
    const job = clientJob({ runId, spec: spec(), iteration: 1 });
    const [fortio, driver] = job.spec?.template.spec?.containers ?? [];
    expect(fortio?.name).toBe(CLIENT_NAME);
    expect(fortio?.image).toBe(DEFAULT_FORTIO_IMAGE);
    expect(fortio?.args).toEqual([
      "server",
      "-http-port",
      "127.0.0.1:8080",
      "-grpc-port",
      "disabled",
      "-redirect-port",
      "disabled",
    ]);
    expect(driver?.image).toBe(DEFAULT_DRIVER_IMAGE);
    expect(driver?.command).toEqual(["sh", "-c", DRIVER_SCRIPT]);
    const env = Object.fromEntries((driver?.env ?? []).map((e) => [e.name, e.value]));
    const warm = new URLSearchParams(env.WARMUP_QUERY);
    const measure = new URLSearchParams(env.MEASURE_QUERY);
    expect(warm.get("t")).toBe("5s");
    expect(measure.get("t")).toBe("30s");
    for (const q of [warm, measure]) {
      expect(q.get("qps")).toBe("1000");
      expect(q.get("c")).toBe("16");
      // 50 µs: the latencies of a mesh (0.5-50 ms) fall in fortio's fine buckets.
      expect(q.get("r")).toBe("0.00005");
      expect(q.get("uniform")).toBe("on");
      expect(q.get("nocatchup")).toBe("on");
      expect(q.get("url")).toMatch(/^http:\/\/fortio-server\.meshbench-[a-z0-9]+\.svc:8080\/echo\?size=2048$/);
    }
    // The driver's log is the result file alone: every wait's failures go to /dev/null, cat comes last.
    expect(DRIVER_SCRIPT.split("\n").at(-1)).toBe('exec cat "$RESULT_FILE"');
    for (const line of DRIVER_SCRIPT.split("\n").filter((l) => l.startsWith("until"))) expect(line).toContain("2>/dev/null");
    expect(driver?.volumeMounts).toEqual([{ name: "results", mountPath: "/results" }]);
    expect(job.spec?.template.spec?.volumes).toEqual([{ name: "results", emptyDir: { sizeLimit: "64Mi" } }]);
    expect(job.spec?.backoffLimit).toBe(0);
    expect(job.spec?.activeDeadlineSeconds).toBe(335);
    expect(job.spec?.template.spec?.restartPolicy).toBe("Never");
    expect(
      job.spec?.template.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm
        .labelSelector?.matchLabels,
    ).toEqual({ "app.kubernetes.io/name": SERVER_NAME });

    const max = new URLSearchParams(fortioRunQuery(spec({ mode: "max", rate: undefined }), "http://x:8080/", 10));
    expect(max.get("qps")).toBe("0");
    expect(max.get("r")).toBe("0.0001");
    expect(max.has("uniform")).toBe(false);
    const noWarmup = clientJob({ runId, spec: spec({ warmupSeconds: 0 }), iteration: 1 });
    expect(noWarmup.spec?.template.spec?.containers[1]?.env?.find((e) => e.name === "WARMUP_QUERY")?.value).toBe("");
  });

  it("consul: ServiceDefaults protocol http for both services, intentions client → server, a Service for the client", () => {
    const m = runManifests({ runId, spec: spec({ mesh: "consul" }) });
    expect(m.consulConfig.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ServiceDefaults/fortio-server",
      "ServiceDefaults/fortio-client",
      "ServiceIntentions/fortio-server",
    ]);
    expect(m.consulConfig[0]?.spec).toEqual({ protocol: "http" });
    expect(m.consulConfig[2]?.spec).toEqual({
      destination: { name: "fortio-server" },
      sources: [{ name: "fortio-client", action: "allow" }],
    });
    const job = clientJob({ runId, spec: spec({ mesh: "consul" }), iteration: 1 });
    expect(job.spec?.template.metadata?.labels).toMatchObject(m.clientService.spec?.selector ?? { missing: true });
  });

  it("ambient waypoint and Cilium mutual authentication objects", () => {
    const waypoint = runManifests({ runId, spec: spec({ mesh: "istio-ambient-waypoint" }) });
    expect(waypoint.gateways[0]).toMatchObject({
      kind: "Gateway",
      metadata: { name: "waypoint", labels: { "istio.io/waypoint-for": "service" } },
      spec: { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] },
    });
    const auth = runManifests({ runId, spec: spec({ mesh: "cilium-mutual-auth" }) });
    expect(auth.policies[0]?.spec?.ingress?.[0]).toMatchObject({ authentication: { mode: "required" } });
    const plain = runManifests({ runId, spec: spec({ mesh: "cilium" }) });
    expect(plain.policies[0]?.spec?.ingress?.[0]).not.toHaveProperty("authentication");
  });

  it("runObjects: every object in creation order, one client Job per repetition", () => {
    const objects = runObjects({ runId, spec: spec({ mesh: "consul", repetitions: 2 }) });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      `Namespace/${runNamespaceName(runId)}`,
      "ServiceAccount/fortio-server",
      "ServiceAccount/fortio-client",
      "ServiceDefaults/fortio-server",
      "ServiceDefaults/fortio-client",
      "ServiceIntentions/fortio-server",
      "Service/fortio-server",
      "Service/fortio-client",
      "Deployment/fortio-server",
      "Job/fortio-client-1",
      "Job/fortio-client-2",
    ]);
  });

  it("required anti-affinity when asked, and refuses specs that are not for Kubernetes", () => {
    const job = clientJob({ runId, spec: spec(), iteration: 0, antiAffinity: "required" });
    expect(job.spec?.template.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(() => runManifests({ runId, spec: runSpecSchema.parse({ mesh: "nginx", rate: 100 }) })).toThrow(
      /not for the Kubernetes/,
    );
  });
});
