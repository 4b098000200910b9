import type { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { runNamespaceName } from "~/core/cluster-names";
import type { KubernetesMesh } from "~/core/kubernetes-meshes";
import { runSpecSchema } from "~/core/spec";
import { FORTIO_LOG, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";
import { type MeshModelOptions, meshModelCluster } from "~/test/fakes/fake-meshes";
import { KubernetesBackend } from "~/worker/backends/kubernetes/kubernetes-backend";
import type { BackendContext } from "~/worker/backends/types";

/**
 * The cluster backend against a fake that behaves like the meshes (test/fakes/fake-meshes.ts):
 * injection webhooks that add never-exiting sidecars, Consul's registration gate, a pod log that
 * merges stdout and stderr, ztunnel's redirection mark, a revisioned istiod.
 */
const runId = "cmh3x9y2k0000abcd1234efgh";
const ns = runNamespaceName(runId);

let fake: FakeKubernetesApi | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function cluster(
  mesh: KubernetesMesh,
  extra: Partial<MeshModelOptions> = {},
): Promise<{ api: FakeKubernetesApi; kubeConfig: KubeConfig }> {
  const api = new FakeKubernetesApi(meshModelCluster({ mesh, fortioJson: FORTIO_LOG, ...extra }));
  fake = api;
  api.nodes.push(fakeNode("node-a"), fakeNode("node-b"));
  installFakeMesh(api, mesh, "1.24.2", true, extra.istioRevision ? { istioRevision: extra.istioRevision } : {});
  return { api, kubeConfig: fakeKubeConfig(await api.start()) };
}

function context(mesh: KubernetesMesh): BackendContext & { logs: string[] } {
  const logs: string[] = [];
  return {
    runId,
    spec: runSpecSchema.parse({ backend: "KUBERNETES", mesh, rate: 1000, connections: 16, durationSeconds: 1, warmupSeconds: 1 }),
    signal: new AbortController().signal,
    onIterationProgress: () => {},
    log: (m) => logs.push(m),
    logs,
  };
}

const backendFor = (kubeConfig: KubeConfig) =>
  new KubernetesBackend({
    kubeConfig,
    pollIntervalMs: 10,
    readyTimeoutMs: 1_500,
    jobGraceMs: 1_500,
    prometheusUrl: "http://127.0.0.1:1",
  });

async function runOnce(mesh: KubernetesMesh, extra: Partial<MeshModelOptions> = {}) {
  const { api, kubeConfig } = await cluster(mesh, extra);
  const backend = backendFor(kubeConfig);
  const ctx = context(mesh);
  try {
    await backend.prepare(ctx);
    const result = await backend.runIteration(ctx, 1);
    return { api, result, ctx };
  } finally {
    await backend.cleanup();
  }
}

describe("KubernetesBackend against a fake that behaves like the meshes", () => {
  it("baseline: fortio's JSON comes back whole although the pod log merges stdout and stderr", async () => {
    const { result, api } = await runOnce("baseline");
    expect(result.count).toBe(10_000);
    expect(api.deletedNamespaces).toEqual([ns]);
  });

  it("consul: the client pod is registered (a Service selects it), HTTP config and an intention before the pods", async () => {
    const { result, api } = await runOnce("consul");
    expect(result.count).toBe(10_000);
    const posts = api.requests.filter((r) => r.method === "POST").map((r) => `${r.body?.kind}/${r.body?.metadata.name}`);
    expect(posts.slice(3)).toEqual([
      "ServiceDefaults/fortio-server",
      "ServiceDefaults/fortio-client",
      "ServiceIntentions/fortio-server",
      "Service/fortio-server",
      "Service/fortio-client",
      "Deployment/fortio-server",
      "Job/fortio-client-1",
    ]);
  });

  it("istio ambient with a waypoint: a Gateway API waypoint, used by the namespace, ready before the load", async () => {
    const { result, api } = await runOnce("istio-ambient-waypoint");
    expect(result.count).toBe(10_000);
    const created = api.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces")?.body;
    expect(created?.metadata.labels).toMatchObject({ "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "waypoint" });
    const gateway = api.requests.find((r) => r.method === "POST" && r.path.endsWith("/gateways"));
    expect(gateway?.path).toBe(`/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/gateways`);
    expect(result.components.map((c) => c.component)).toContain("waypoint");
  });

  it("cilium with mutual authentication: refused with the reason when SPIRE is not installed", async () => {
    const { api, kubeConfig } = await cluster("cilium");
    await expect(backendFor(kubeConfig).prepare(context("cilium-mutual-auth"))).rejects.toThrow(
      /^Cilium \+ mutual auth is not installed on the cluster: SPIRE is not installed \(no StatefulSet spire-server in cilium-spire\)/,
    );
    expect(api.requests.filter((r) => r.method !== "GET")).toEqual([]);
    installFakeMesh(api, "cilium-mutual-auth");
    const backend = backendFor(kubeConfig);
    const ctx = context("cilium-mutual-auth");
    await backend.prepare(ctx);
    await backend.cleanup();
    const policy = api.requests.find((r) => r.method === "POST" && r.path.endsWith("/ciliumnetworkpolicies"));
    expect(JSON.stringify(policy?.body?.spec)).toContain('"authentication":{"mode":"required"}');
  });

  for (const mesh of ["istio", "linkerd", "istio-ambient", "cilium"] as const) {
    it(`${mesh}: the server is enrolled by the mesh and the run completes`, async () => {
      const { result } = await runOnce(mesh);
      expect(result.count).toBe(10_000);
    });
  }

  it("istio with a revision (istiod-canary): the namespace carries istio.io/rev=canary and is injected", async () => {
    const { api, result } = await runOnce("istio", { istioRevision: "canary" });
    const created = api.requests.find((r) => r.method === "POST" && r.path === "/api/v1/namespaces")?.body;
    expect(created?.metadata.labels).toMatchObject({ "istio.io/rev": "canary" });
    expect(created?.metadata.labels?.["istio-injection"]).toBeUndefined();
    expect(result.count).toBe(10_000);
  });
});
