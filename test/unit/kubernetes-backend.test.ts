import type { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runNamespaceName } from "~/core/cluster-names";
import { decodeHistogram } from "~/core/histogram";
import type { KubernetesMesh } from "~/core/kubernetes-meshes";
import { runSpecSchema } from "~/core/spec";
import { healthyFakeCluster, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, type FakeKubernetesApiOptions, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";
import { chooseClientNode, deleteLeftoverNamespaces, KubernetesBackend } from "~/worker/backends/kubernetes/kubernetes-backend";
import type { BackendContext } from "~/worker/backends/types";

/**
 * The cluster backend driven through @kubernetes/client-node against FakeKubernetesApi (an
 * in-process fake; no Kubernetes API server can run here): requests, namespace lifecycle, timeouts.
 */
const runId = "cmh3x9y2k0000abcd1234efgh";
const ns = runNamespaceName(runId);

let fake: FakeKubernetesApi | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function startFake(options: FakeKubernetesApiOptions): Promise<{ api: FakeKubernetesApi; kubeConfig: KubeConfig }> {
  const api = new FakeKubernetesApi(options);
  fake = api;
  // Two workers: the server lands on the first (the fake schedules there), the client is pinned to the other.
  api.nodes.push(fakeNode("node-a"), fakeNode("node-b", { architecture: "arm64" }));
  return { api, kubeConfig: fakeKubeConfig(await api.start()) };
}

function context(
  mesh: KubernetesMesh,
  controller = new AbortController(),
): BackendContext & { logs: string[]; phases: string[] } {
  const logs: string[] = [];
  const phases: string[] = [];
  return {
    phases,
    setPhase: (p) => phases.push(p),
    runId,
    spec: runSpecSchema.parse({
      backend: "KUBERNETES",
      mesh,
      rate: 1000,
      connections: 16,
      durationSeconds: 1,
      warmupSeconds: 1,
    }),
    signal: controller.signal,
    onIterationProgress: () => {},
    log: (m) => logs.push(m),
    logs,
  };
}

const backendFor = (kubeConfig: KubeConfig, extra: Partial<ConstructorParameters<typeof KubernetesBackend>[0]> = {}) =>
  new KubernetesBackend({
    kubeConfig,
    pollIntervalMs: 10,
    readyTimeoutMs: 2_000,
    jobGraceMs: 2_000,
    // Nothing listens on port 1: the run goes on without CPU/memory figures, and says so.
    prometheusUrl: "http://127.0.0.1:1",
    ...extra,
  });

describe("KubernetesBackend against FakeKubernetesApi", () => {
  it("baseline: creates a labelled namespace and the workload, runs fortio, parses its log, deletes the namespace", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    const backend = backendFor(kubeConfig);
    const ctx = context("baseline");
    await backend.prepare(ctx);
    const result = await backend.runIteration(ctx, 0);
    await backend.cleanup();
    await backend.cleanup(); // idempotent

    expect(result.count).toBe(10_000);
    expect(result.requestedQps).toBe(1000);
    expect(decodeHistogram(result.histogram).totalCount).toBe(10_000);
    // No Prometheus answered: the figures are missing (null, never 0), and the log says why.
    expect(result.components.map((c) => [c.component, c.cpuCores, c.maxRssBytes])).toEqual([
      ["loadgen", null, null],
      ["upstream", null, null],
    ]);
    expect(ctx.logs).toContainEqual(
      expect.stringMatching(/component CPU and memory not measured: Prometheus at http:\/\/127\.0\.0\.1:1 is unreachable/),
    );
    expect(ctx.logs).toContainEqual(expect.stringMatching(/fortio-server ready in meshbench-\w+ on node-a; client on node-b$/));

    const created = api.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces")?.body;
    expect(created?.metadata.name).toBe(ns);
    expect(created?.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "meshbench", "meshbench.io/run-id": runId });
    expect(api.requestLines.filter((l) => !l.startsWith("GET"))).toEqual([
      "POST /api/v1/namespaces",
      `POST /api/v1/namespaces/${ns}/serviceaccounts`,
      `POST /api/v1/namespaces/${ns}/serviceaccounts`,
      `POST /api/v1/namespaces/${ns}/services`,
      `POST /api/v1/namespaces/${ns}/services`,
      `POST /apis/apps/v1/namespaces/${ns}/deployments`,
      `POST /apis/batch/v1/namespaces/${ns}/jobs`,
      `DELETE /apis/batch/v1/namespaces/${ns}/jobs/fortio-client-0`,
      `DELETE /api/v1/namespaces/${ns}`,
    ]);
    const jobs = api.requests.filter((r) => r.path.endsWith("/jobs") && r.method === "POST").map((r) => r.body);
    // One client pod per repetition: warm-up and measurement run in it, pinned to the node chosen in prepare().
    expect(jobs).toHaveLength(1);
    expect(JSON.stringify(jobs[0]?.spec)).toContain(
      '"matchFields":[{"key":"metadata.name","operator":"In","values":["node-b"]}]',
    );
    const log = api.requests.find((r) => /\/pods\/fortio-client-0-[0-9a-f]+\/log$/.test(r.path));
    expect(log?.query.get("container")).toBe("fortio-driver");
    // The cAdvisor window is fortio's own: StartTime and ActualDuration of the measured load.
    expect(result.startedAt.toISOString()).toBe("2026-11-27T15:50:01.123Z");
    expect(result.finishedAt.getTime() - result.startedAt.getTime()).toBe(10_001);
    expect(api.deletedNamespaces).toEqual([ns]);
    expect(api.namespaces.size).toBe(0);
  });

  it("istio: the namespace joins the mesh, and the server is measured only once 2/2 with istio-proxy", async () => {
    const { api, kubeConfig } = await startFake(
      healthyFakeCluster({ container: "istio-proxy", annotations: { "sidecar.istio.io/status": "{}" } }),
    );
    installFakeMesh(api, "istio");
    const backend = backendFor(kubeConfig);
    const ctx = context("istio");
    await backend.prepare(ctx);
    const result = await backend.runIteration(ctx, 1);
    await backend.cleanup();
    const created = api.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces")?.body;
    // istio.io/rev with istiod's revision ("default" for an install without one): every install's webhook answers it.
    expect(created?.metadata.labels).toMatchObject({ "istio.io/rev": "default", "meshbench.io/mesh": "istio" });
    expect(result.components.map((c) => c.component)).toEqual(["loadgen", "upstream", "proxy-client", "proxy-server", "istiod"]);
    expect(api.deletedNamespaces).toEqual([ns]);
  });

  it("times out when the sidecar never shows up (1/2), and still deletes the namespace", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    installFakeMesh(api, "istio");
    const backend = backendFor(kubeConfig, { readyTimeoutMs: 150 });
    const ctx = context("istio");
    await expect(backend.prepare(ctx)).rejects.toThrow(
      /fortio-server not ready after 0 s \(fortio-server-[0-9a-f]+: 1\/2 containers ready\)/,
    );
    // The run page said what it was waiting for, all along.
    expect(ctx.phases[0]).toBe("checking that Istio (sidecar) is installed");
    expect(ctx.phases.at(-1)).toMatch(/^waiting for fortio-server \(fortio-server-[0-9a-f]+: 1\/2 containers ready\)$/);
    await backend.cleanup();
    expect(api.deletedNamespaces).toEqual([ns]);
  });

  it("fails the iteration when fortio exits non-zero, with its log, and deletes the namespace", async () => {
    const { api, kubeConfig } = await startFake({
      ...healthyFakeCluster(),
      onJobCreated: (a, namespace, _job, pod) =>
        a.finishPod(namespace, pod, 1, "Aborting because of dial tcp: connection refused"),
    });
    const backend = backendFor(kubeConfig);
    const ctx = context("baseline");
    ctx.spec.warmupSeconds = 0;
    await backend.prepare(ctx);
    await expect(backend.runIteration(ctx, 0)).rejects.toThrow(
      /fortio client failed \(fortio-driver exit 1\): Aborting because of dial tcp/,
    );
    await backend.cleanup();
    expect(api.deletedNamespaces).toEqual([ns]);
  });

  it("times out a client Job that never finishes", async () => {
    const { kubeConfig } = await startFake({ ...healthyFakeCluster(), onJobCreated: () => {} });
    const backend = backendFor(kubeConfig, { jobGraceMs: 100 });
    const ctx = context("baseline");
    ctx.spec.warmupSeconds = 0;
    await backend.prepare(ctx);
    await expect(backend.runIteration(ctx, 0)).rejects.toThrow(/fortio-client-0 did not finish within/);
    await backend.cleanup();
  });

  it("cancellation: aborting mid-iteration stops waiting and deletes the namespace at once", async () => {
    const controller = new AbortController();
    const { api, kubeConfig } = await startFake({
      ...healthyFakeCluster(),
      // fortio never finishes; the user cancels while it runs.
      onJobCreated: () => setTimeout(() => controller.abort(), 30),
    });
    const backend = backendFor(kubeConfig, { jobGraceMs: 60_000 });
    const ctx = context("baseline", controller);
    ctx.spec.warmupSeconds = 0;
    await backend.prepare(ctx);
    await expect(backend.runIteration(ctx, 0)).rejects.toThrow(/abort/i);
    // The abort listener deleted the namespace without waiting for the caller's cleanup().
    for (let i = 0; i < 100 && api.deletedNamespaces.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(api.deletedNamespaces).toEqual([ns]);
    await backend.cleanup();
    expect(api.requestLines.filter((l) => l === `DELETE /api/v1/namespaces/${ns}`)).toHaveLength(1);
  });

  it("refuses a mesh that is not installed (or not ready) before creating anything", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    await expect(backendFor(kubeConfig).prepare(context("linkerd"))).rejects.toThrow(
      /^Linkerd is not installed on the cluster: no Deployment linkerd-destination in linkerd; .*none of its CRDs/,
    );
    installFakeMesh(api, "linkerd", "edge-24.11.8", false);
    await expect(backendFor(kubeConfig).prepare(context("linkerd"))).rejects.toThrow(
      /^Linkerd is installed but not ready on the cluster: Deployment linkerd\/linkerd-destination has 0\/1 ready/,
    );
    expect(api.requestLines.filter((l) => !l.startsWith("GET"))).toEqual([]);
  });

  it("refuses to take over a namespace that already exists, and leaves it alone", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    api.namespaces.set(ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const backend = backendFor(kubeConfig);
    await expect(backend.prepare(context("baseline"))).rejects.toThrow(/already exists/);
    await backend.cleanup();
    expect(api.deletedNamespaces).toEqual([]);
    expect(api.namespaces.has(ns)).toBe(true);
  });

  it("probes: bpftrace Jobs on the client's and the server's node around the measured load, results per node", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    const backend = backendFor(kubeConfig);
    const ctx = context("baseline");
    ctx.spec.probes = ["runqlat", "tcp_rtt"];
    await backend.prepare(ctx);
    const { probeResults, ...result } = await backend.runIteration(ctx, 1);
    await backend.cleanup();
    expect(result.count).toBe(10_000);
    expect(probeResults?.map((p) => [p.probe, p.host, p.available])).toEqual([
      ["runqlat", "node-b", true], // the client's node first
      ["runqlat", "node-a", true],
      ["tcp_rtt", "node-b", true],
      ["tcp_rtt", "node-a", true],
    ]);
    const namespace = api.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces")?.body;
    expect(namespace?.metadata.labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    // Order: the probes, then the client pod (warm-up and measured load), then the probes' clean-up.
    const posts = api.requests
      .filter((r) => r.method !== "GET" && r.path.includes("/jobs"))
      .map((r) => {
        const name = r.body?.metadata.name ?? r.path.split("/").pop() ?? "";
        return `${r.method} ${name.replace(/-[0-9a-f]{8}$/, "")}`;
      });
    expect(posts.slice(0, 5)).toEqual([
      "POST meshbench-probe-runqlat",
      "POST meshbench-probe-runqlat",
      "POST meshbench-probe-tcp-rtt",
      "POST meshbench-probe-tcp-rtt",
      "POST fortio-client-1",
    ]);
    expect(api.deletedNamespaces).toEqual([ns]);
  });

  it("cilium: an L7 policy on the server puts the node's Envoy in the path", async () => {
    const { api, kubeConfig } = await startFake(healthyFakeCluster());
    installFakeMesh(api, "cilium");
    const backend = backendFor(kubeConfig);
    const ctx = context("cilium");
    await backend.prepare(ctx);
    await backend.cleanup();
    const policy = api.requests.find((r) => r.method === "POST" && r.path.endsWith("/ciliumnetworkpolicies"));
    expect(policy?.path).toBe(`/apis/cilium.io/v2/namespaces/${ns}/ciliumnetworkpolicies`);
    expect(JSON.stringify(policy?.body?.spec)).toContain('"rules":{"http":[{"method":"GET"}]}');
  });

  it("chooses the client's node: ready, schedulable, untainted, another than the server's when there is one", () => {
    const nodes = (list: ReturnType<typeof fakeNode>[]) => list as unknown as Parameters<typeof chooseClientNode>[0];
    expect(chooseClientNode(nodes([fakeNode("a"), fakeNode("b")]), "a")).toBe("b");
    expect(
      chooseClientNode(
        nodes([
          fakeNode("a"),
          fakeNode("cp", { taint: "NoSchedule" }),
          fakeNode("down", { ready: false }),
          fakeNode("drained", { cordoned: true }),
        ]),
        "a",
      ),
    ).toBe("a");
    expect(chooseClientNode(nodes([fakeNode("a"), fakeNode("c")]), "c")).toBe("a");
  });

  it("without any kubeconfig: a clear 'not connected' error, not client-node's localhost fallback", () => {
    vi.stubEnv("KUBECONFIG", "");
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");
    vi.stubEnv("HOME", "/nonexistent-meshbench-home");
    try {
      expect(() => new KubernetesBackend()).toThrow(/^Kubernetes not connected: no kubeconfig: set KUBECONFIG/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("janitor: deletes managed namespaces whose run is not running, nothing else", async () => {
    const { api, kubeConfig } = await startFake({});
    const managed = (name: string, run: string) =>
      api.namespaces.set(name, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name,
          labels: { "app.kubernetes.io/managed-by": "meshbench", "meshbench.io/run-id": run },
          annotations: { "meshbench.io/run-id": run },
        },
      });
    managed("meshbench-running01", "running01");
    managed("meshbench-finished01", "finished01");
    api.namespaces.set("default", { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
    const deleted = await deleteLeftoverNamespaces(kubeConfig, async (id) => id === "running01");
    expect(deleted).toEqual(["meshbench-finished01"]);
    expect([...api.namespaces.keys()].sort()).toEqual(["default", "meshbench-running01"]);
    expect(api.requests[0]?.query.get("labelSelector")).toBe("app.kubernetes.io/managed-by=meshbench");
  });
});
