import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runNamespaceName } from "~/core/cluster-names";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { runQueue } from "~/server/queue/run-queue";
import { runDetail } from "~/server/runs/detail";
import { healthyFakeCluster, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode } from "~/test/fakes/fake-kube-api";
import { KubernetesBackend } from "~/worker/backends/kubernetes/kubernetes-backend";
import { processBenchmark } from "~/worker/jobs/benchmark";
import { sweepLeftoverNamespaces } from "~/worker/jobs/cluster-janitor";

/**
 * A Kubernetes run from QUEUED to SUCCEEDED through the worker's benchmark job and the real
 * database, with the cluster played by FakeKubernetesApi (a fake; no API server runs here): the
 * stored result is what the run page, comparisons and reports read for any run.
 */
let fake: FakeKubernetesApi | null = null;
async function fakeCluster() {
  const healthy = healthyFakeCluster({ container: "istio-proxy", annotations: { "sidecar.istio.io/status": "{}" } });
  // Every Job's pod takes 300 ms to get going, so the run's phases last long enough to be seen.
  fake = new FakeKubernetesApi({
    ...healthy,
    onJobCreated: (api, namespace, job, pod) => setTimeout(() => healthy.onJobCreated?.(api, namespace, job, pod), 300),
  });
  const kubeConfig = fakeKubeConfig(await fake.start());
  fake.nodes.push(fakeNode("node-a"), fakeNode("node-b"));
  installFakeMesh(fake, "istio", "1.24.2");
  return { api: fake, kubeConfig };
}

const quiet = { shutdownSignal: new AbortController().signal, log: () => undefined };

describe("Kubernetes runs through the worker (FakeKubernetesApi)", () => {
  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
  });
  afterEach(async () => {
    await fake?.stop();
    fake = null;
  });
  afterAll(async () => {
    await db.benchmarkRun.deleteMany();
  });

  it("an istio run with a probe: results, probe results per node, components, and the namespace gone", async () => {
    const { api, kubeConfig } = await fakeCluster();
    const spec = runSpecSchema.parse({
      backend: "KUBERNETES",
      mesh: "istio",
      rate: 1000,
      connections: 16,
      durationSeconds: 10,
      warmupSeconds: 1,
      repetitions: 2,
      probes: ["runqlat"],
    });
    const run = await db.benchmarkRun.create({ data: { name: "k8s istio", backend: "KUBERNETES", mesh: "istio", spec } });
    // Polling slowly enough that each wait shows up in the stored phase.
    const createBackend = () => new KubernetesBackend({ kubeConfig, pollIntervalMs: 150, prometheusUrl: "http://127.0.0.1:1" });
    // probeCapability checks this machine; a cluster run must not ask it.
    const localProbesAsked: string[] = [];
    const phases = new Set<string>();
    let running = true;
    const watching = (async () => {
      while (running) {
        const row = await db.benchmarkRun.findUnique({ where: { id: run.id }, select: { phase: true } });
        if (row?.phase) phases.add(row.phase);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const outcome = await processBenchmark(run.id, {
      createBackend,
      ...quiet,
      heartbeatMs: 50,
      probeCapability: async () => {
        localProbesAsked.push("asked");
        return { available: false, reason: "not here" };
      },
    });
    running = false;
    await watching;
    expect(outcome).toBe("SUCCEEDED");
    expect(localProbesAsked).toEqual([]);
    // What the run page showed while it ran, and nothing once it ended.
    expect([...phases].some((p) => /^repetition 2 of 2: starting the client \(pod Pending\)$/.test(p))).toBe(true);
    expect([...phases].some((p) => /^repetition 1 of 2: attaching probes on node-b, node-a$/.test(p))).toBe(true);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } })).phase).toBeNull();

    const detail = await runDetail(run.id);
    expect(detail?.status).toBe("SUCCEEDED");
    expect(detail?.iterations.map((r) => [r.count, r.summary?.p99Us])).toEqual([
      [10_000, expect.any(Number)],
      [10_000, expect.any(Number)],
    ]);
    // Components on the run page: named after the mesh's proxies, figures missing (no cAdvisor here), never 0.
    expect(detail?.iterations[0]?.components.map((c) => [c.component, c.cpuCores])).toEqual([
      ["loadgen", null],
      ["upstream", null],
      ["proxy-client", null],
      ["proxy-server", null],
      ["istiod", null],
    ]);
    const probes = await db.probeResult.findMany({ where: { runId: run.id }, orderBy: [{ iteration: "asc" }, { node: "asc" }] });
    expect(probes.map((p) => [p.iteration, p.probe, p.node, p.available])).toEqual([
      [1, "runqlat", "node-a", true],
      [1, "runqlat", "node-b", true],
      [2, "runqlat", "node-a", true],
      [2, "runqlat", "node-b", true],
    ]);
    expect(api.deletedNamespaces).toEqual([runNamespaceName(run.id)]);
  });

  it("janitor: deletes the namespaces of runs that are no longer RUNNING, keeps the running one's", async () => {
    const { api, kubeConfig } = await fakeCluster();
    const spec = runSpecSchema.parse({ backend: "KUBERNETES", mesh: "baseline", rate: 100, connections: 2 });
    const running = await db.benchmarkRun.create({
      data: { name: "k8s running", backend: "KUBERNETES", mesh: "baseline", spec, status: "RUNNING" },
    });
    const crashed = await db.benchmarkRun.create({
      data: { name: "k8s crashed", backend: "KUBERNETES", mesh: "baseline", spec, status: "FAILED" },
    });
    const managed = (runId: string) => {
      const name = runNamespaceName(runId);
      api.namespaces.set(name, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
          name,
          labels: { "app.kubernetes.io/managed-by": "meshbench" },
          annotations: { "meshbench.io/run-id": runId },
        },
      });
      return name;
    };
    const keep = managed(running.id);
    const gone = managed(crashed.id);
    const deletedRun = managed("cmh3deletedrun0000000000a");
    const logs: string[] = [];
    const deleted = await sweepLeftoverNamespaces(
      (m) => logs.push(m),
      () => kubeConfig,
    );
    expect(deleted.sort()).toEqual([gone, deletedRun].sort());
    expect(api.namespaces.has(keep)).toBe(true);
    expect(logs).toContainEqual(`janitor: deleted leftover namespace ${gone} (run ${crashed.id})`);

    // No kubeconfig: nothing to sweep, and no error.
    expect(
      await sweepLeftoverNamespaces(
        () => undefined,
        () => {
          throw new Error("no kubeconfig");
        },
      ),
    ).toEqual([]);
  });
});
