import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { RunSpecInput } from "~/core/spec";
import { db } from "~/server/db/client";
import { installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeconfigFile } from "~/test/fakes/fake-kube-api";
import { callerFor, createUser, sessionFor } from "./helpers";

/**
 * cluster.status and the Kubernetes admission of runs.create, through tRPC against the real
 * database, with the cluster played by FakeKubernetesApi (a fake; no API server runs here).
 */
const spec = (mesh: RunSpecInput["mesh"]): RunSpecInput => ({
  backend: "KUBERNETES",
  mesh,
  rate: 100,
  connections: 2,
  durationSeconds: 5,
  warmupSeconds: 1,
});

const dir = mkdtempSync(path.join(tmpdir(), "meshbench-kubeconfig-"));
let fake: FakeKubernetesApi | null = null;

/** A kubeconfig file pointing at a fresh fake, set as KUBECONFIG the way an operator would. */
async function connectFakeCluster(): Promise<FakeKubernetesApi> {
  fake = new FakeKubernetesApi();
  const server = await fake.start();
  const file = path.join(dir, "config");
  writeFileSync(file, fakeKubeconfigFile(server));
  vi.stubEnv("KUBECONFIG", file);
  return fake;
}

describe("cluster API", () => {
  let admin: Awaited<ReturnType<typeof createUser>>;
  let viewer: Awaited<ReturnType<typeof createUser>>;
  beforeAll(async () => {
    admin = await createUser("ADMIN");
    viewer = await createUser("VIEWER");
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await fake?.stop();
    fake = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("status: viewers see 'not connected' with the reason when there is no cluster; anonymous callers see nothing", async () => {
    const status = await callerFor(sessionFor(viewer)).cluster.status({ fresh: true });
    expect(status).toMatchObject({ connected: false });
    expect(!status.connected && status.reason).toMatch(/^KUBECONFIG names .*var\/test\/kubeconfig, which does not exist$/);
    await expect(callerFor(null).cluster.status()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("status: a connected cluster with its nodes and meshes", async () => {
    const api = await connectFakeCluster();
    installFakeMesh(api, "linkerd", "enterprise-2.16.2");
    const status = await callerFor(sessionFor(viewer)).cluster.status({ fresh: true });
    if (!status.connected) throw new Error(status.reason);
    expect(status.meshes.find((m) => m.mesh === "linkerd")).toMatchObject({ state: "installed", version: "enterprise-2.16.2" });
  });

  it("runs.create refuses a Kubernetes run without a cluster, or for a mesh that is not installed, and stores nothing", async () => {
    const caller = callerFor(sessionFor(admin));
    const before = await db.benchmarkRun.count();
    const notConnected = await caller.runs.create({ name: "k8s istio", spec: spec("istio") }).catch((e: unknown) => e);
    expect(notConnected).toBeInstanceOf(TRPCError);
    expect(notConnected).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/^Kubernetes not connected: KUBECONFIG names/),
    });

    await connectFakeCluster();
    const notInstalled = await caller.runs.create({ name: "k8s istio", spec: spec("istio") }).catch((e: unknown) => e);
    expect(notInstalled).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(
        /^Istio \(sidecar\) is not installed on the cluster: no Deployment istiod \(or a revision of it\) in istio-system/,
      ),
    });
    expect(await db.benchmarkRun.count()).toBe(before);
  });

  it("runs.create accepts the mesh once it is installed (and the baseline on any reachable cluster)", async () => {
    const api = await connectFakeCluster();
    installFakeMesh(api, "istio", "1.24.2");
    const caller = callerFor(sessionFor(admin));
    for (const mesh of ["istio", "baseline"] as const) {
      const { id } = await caller.runs.create({ name: `k8s ${mesh}`, spec: spec(mesh) });
      expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id } })).backend).toBe("KUBERNETES");
      // Nothing here could run it: take it out of the queue again.
      await caller.runs.cancel({ id });
      await db.benchmarkRun.delete({ where: { id } });
    }
  });

  it("manifests: every object of a spec or a stored run as YAML, for viewers too; nothing created", async () => {
    const api = await connectFakeCluster();
    installFakeMesh(api, "istio", "1.24.2", true, { istioRevision: "1-24-2" });
    const caller = callerFor(sessionFor(viewer));
    await caller.cluster.status({ fresh: true });
    const dry = await caller.cluster.manifests({ spec: { ...spec("istio"), repetitions: 2 } });
    expect(dry.objects).toEqual([
      "Namespace/meshbench-dryrun",
      "ServiceAccount/fortio-server",
      "ServiceAccount/fortio-client",
      "Service/fortio-server",
      "Service/fortio-client",
      "Deployment/fortio-server",
      "Job/fortio-client-1",
      "Job/fortio-client-2",
    ]);
    const docs = loadAllYaml(dry.yaml) as { kind: string; metadata: { labels?: Record<string, string> } }[];
    expect(docs.map((d) => d.kind)).toEqual(dry.objects.map((o) => o.split("/")[0]));
    // The namespace joins the revision the cluster runs.
    expect(docs[0]?.metadata.labels?.["istio.io/rev"]).toBe("1-24-2");
    expect(dry.notes.join(" ")).toMatch(/istio\.io\/rev is the revision of the cluster's istiod: 1-24-2/);
    expect(api.requests.filter((r) => r.method !== "GET")).toEqual([]);

    const run = await db.benchmarkRun.create({
      data: { name: "k8s consul", backend: "KUBERNETES", mesh: "consul", spec: { ...spec("consul"), repetitions: 1 } },
    });
    try {
      const stored = await caller.cluster.manifests({ runId: run.id });
      expect(stored.objects).toContain("ServiceIntentions/fortio-server");
      expect(stored.yaml).toContain(`name: meshbench-${run.id.slice(-10)}`);
    } finally {
      await db.benchmarkRun.delete({ where: { id: run.id } });
    }
    await expect(caller.cluster.manifests({ spec: { ...spec("baseline"), backend: "LOCAL" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller.cluster.manifests({ runId: "cmh3x9y2k0000nonexistent" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.cluster.manifests({ spec: { ...spec("istio"), rate: -1 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(callerFor(null).cluster.manifests({ spec: spec("istio") })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
