import { afterEach, describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import { healthyFakeCluster } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";
import { KubernetesBackend } from "~/worker/backends/kubernetes/kubernetes-backend";

/**
 * Where a cluster run ran, as the backend reads it after prepare (for SMP's EnvironmentConfig and
 * the run export): through @kubernetes/client-node against FakeKubernetesApi (an in-process fake).
 */

let fake: FakeKubernetesApi | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

describe("KubernetesBackend environment", () => {
  it("reports the API server's version, the client's and server's nodes with their capacity, and the target URL", async () => {
    const api = new FakeKubernetesApi(healthyFakeCluster());
    fake = api;
    const typed = fakeNode("node-a");
    typed.metadata.labels = { ...typed.metadata.labels, "node.kubernetes.io/instance-type": "e2-standard-8" };
    api.nodes.push(typed, fakeNode("node-b", { architecture: "arm64" }));
    const kubeConfig = fakeKubeConfig(await api.start());
    const backend = new KubernetesBackend({
      kubeConfig,
      pollIntervalMs: 10,
      readyTimeoutMs: 2_000,
      prometheusUrl: "http://127.0.0.1:1",
    });
    const ctx = {
      runId: "cmh3x9y2k0000envr1234efgh",
      spec: runSpecSchema.parse({
        backend: "KUBERNETES",
        mesh: "baseline",
        rate: 100,
        connections: 2,
        durationSeconds: 1,
        payloadBytes: 512,
      }),
      signal: new AbortController().signal,
      onIterationProgress: () => {},
      log: () => {},
    };
    try {
      await backend.prepare(ctx);
      const environment = await backend.environment();
      expect(environment.kubernetesVersion).toBe(api.version.gitVersion);
      expect(environment.targetUrl).toMatch(/^http:\/\/fortio-server\.meshbench-[a-z0-9]+\.svc:\d+\/echo\?size=512$/);
      // the fake schedules the server on the first node; the client is pinned to the other
      expect(environment.nodes).toEqual([
        {
          name: "node-b",
          roles: ["client"],
          instanceType: null,
          cpuCores: 8,
          memoryBytes: 32879744 * 1024,
          kernel: "6.8.0-1021-gcp",
          architecture: "arm64",
        },
        {
          name: "node-a",
          roles: ["server"],
          instanceType: "e2-standard-8",
          cpuCores: 8,
          memoryBytes: 32879744 * 1024,
          kernel: "6.8.0-1021-gcp",
          architecture: "amd64",
        },
      ]);
    } finally {
      await backend.cleanup();
    }
  });
});
