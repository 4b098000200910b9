import { afterEach, describe, expect, it, vi } from "vitest";
import { readClusterStatus } from "~/server/cluster/cluster-status";
import { installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";

/** cluster.status's reader driven through @kubernetes/client-node against FakeKubernetesApi (a fake; no API server runs here). */
let fake: FakeKubernetesApi | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
  vi.unstubAllEnvs();
});

describe("readClusterStatus against FakeKubernetesApi", () => {
  it("connected: version, nodes with capacity and kernel, and the meshes found", async () => {
    fake = new FakeKubernetesApi();
    const server = await fake.start();
    fake.nodes.push(
      fakeNode("worker-b"),
      fakeNode("cp-a", { role: "control-plane" }),
      fakeNode("worker-c", { ready: false, cordoned: true }),
    );
    installFakeMesh(fake, "istio", "1.24.2");
    installFakeMesh(fake, "cilium", "v1.16.5");
    const status = await readClusterStatus({ kubeConfig: fakeKubeConfig(server) });
    if (!status.connected) throw new Error(status.reason);
    expect(status.server).toBe(server);
    expect(status.version.gitVersion).toBe("v1.31.4-fake");
    expect(status.nodes.map((n) => [n.name, n.ready, n.schedulable, n.roles.join()])).toEqual([
      ["cp-a", true, true, "control-plane"],
      ["worker-b", true, true, ""],
      ["worker-c", false, false, ""],
    ]);
    expect(status.nodes[0]).toMatchObject({ cpuCores: 8, memoryBytes: 32879744 * 1024, kernelVersion: "6.8.0-1021-gcp" });
    const states = Object.fromEntries(status.meshes.map((m) => [m.mesh, [m.state, m.version]]));
    expect(states).toEqual({
      baseline: ["installed", null],
      istio: ["installed", "1.24.2"],
      "istio-ambient": ["not-installed", "1.24.2"],
      // Ambient needs ztunnel; a waypoint needs ambient too.
      "istio-ambient-waypoint": ["not-installed", "1.24.2"],
      linkerd: ["not-installed", null],
      cilium: ["installed", "v1.16.5"],
      // Mutual authentication needs SPIRE beside Cilium.
      "cilium-mutual-auth": ["not-installed", "v1.16.5"],
      consul: ["not-installed", null],
    });
    // Read by name in the meshes' namespaces only: no cluster-wide workload or CRD lists.
    expect(
      fake.requestLines.filter((l) => l.includes("customresourcedefinitions")).every((l) => /definitions\/[a-z0-9.-]+$/.test(l)),
    ).toBe(true);
    expect(fake.requestLines).not.toContain("GET /apis/apps/v1/deployments");
  });

  it("not connected: an API server that refuses the token, one that is down, and no kubeconfig at all", async () => {
    fake = new FakeKubernetesApi();
    const server = await fake.start();
    fake.rejectCredentials = true;
    const refused = await readClusterStatus({ kubeConfig: fakeKubeConfig(server) });
    expect(!refused.connected && refused.reason).toBe(
      `${server} refused the credentials (HTTP 401): check the kubeconfig user and the worker's RBAC (k8s/rbac)`,
    );
    await fake.stop();
    const down = await readClusterStatus({ kubeConfig: fakeKubeConfig(server) });
    expect(down).toMatchObject({ connected: false });
    expect(!down.connected && down.reason).toBe(`${server} is unreachable: connect ECONNREFUSED ${server.slice(7)}`);

    vi.stubEnv("KUBECONFIG", "/nonexistent/meshbench-kubeconfig");
    const missing = await readClusterStatus();
    expect(!missing.connected && missing.reason).toBe("KUBECONFIG names /nonexistent/meshbench-kubeconfig, which does not exist");

    vi.stubEnv("KUBECONFIG", "");
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");
    vi.stubEnv("HOME", "/nonexistent-meshbench-home");
    const none = await readClusterStatus();
    expect(!none.connected && none.reason).toMatch(/^no kubeconfig: set KUBECONFIG/);
  });

  it("a hung API server is reported after the timeout, not waited on forever", async () => {
    const { createServer } = await import("node:http");
    const hung = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
    const { port } = hung.address() as { port: number };
    try {
      const status = await readClusterStatus({ kubeConfig: fakeKubeConfig(`http://127.0.0.1:${port}`), timeoutMs: 200 });
      expect(!status.connected && status.reason).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 0\.2 s/);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});
