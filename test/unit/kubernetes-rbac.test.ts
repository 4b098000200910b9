import { readFileSync } from "node:fs";
import path from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { afterEach, describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import { readClusterStatus } from "~/server/cluster/cluster-status";
import { FORTIO_LOG, healthyFakeCluster, installFakeMesh } from "~/test/fakes/fake-cluster";
import { FakeKubernetesApi, fakeKubeConfig, fakeNode, type RecordedRequest } from "~/test/fakes/fake-kube-api";
import { meshModelCluster } from "~/test/fakes/fake-meshes";
import { deleteLeftoverNamespaces, KubernetesBackend } from "~/worker/backends/kubernetes/kubernetes-backend";

/**
 * k8s/rbac grants the worker exactly what it uses: every request the cluster page, a Cilium run
 * with probes, a Consul run, an ambient run with a waypoint and the janitor make against FakeKubernetesApi must be allowed by the ClusterRole,
 * and every verb the ClusterRole grants must have been used.
 */
const rbacFile = path.resolve(import.meta.dirname, "../../k8s/rbac/worker-rbac.yaml");

interface Access {
  group: string;
  resource: string;
  verb: string;
}

/** What RBAC checks for one API request (the apiserver's request-info rules, for the paths we use). */
function accessOf(request: RecordedRequest): Access | null {
  const parts = request.path.split("/").filter(Boolean);
  if (parts[0] !== "api" && parts[0] !== "apis") return null; // /version: a non-resource URL every user may read
  const group = parts[0] === "api" ? "" : (parts[1] ?? "");
  let rest = parts.slice(parts[0] === "api" ? 2 : 3);
  if (rest[0] === "namespaces" && rest.length > 2) rest = rest.slice(2);
  const [resource = "", name, sub] = rest;
  const verb = { GET: name ? "get" : "list", POST: "create", DELETE: "delete" }[request.method] ?? request.method;
  return { group, resource: sub ? `${resource}/${sub}` : resource, verb };
}

let fakes: FakeKubernetesApi[] = [];
afterEach(async () => {
  for (const f of fakes) await f.stop();
  fakes = [];
});

/** A run of a profile that creates its mesh's own objects (Consul config entries, a waypoint Gateway). */
async function meshRun(mesh: "consul" | "istio-ambient-waypoint"): Promise<RecordedRequest[]> {
  const api = new FakeKubernetesApi(meshModelCluster({ mesh, fortioJson: FORTIO_LOG }));
  fakes.push(api);
  const kubeConfig = fakeKubeConfig(await api.start());
  api.nodes.push(fakeNode("node-a"), fakeNode("node-b"));
  installFakeMesh(api, mesh);
  const backend = new KubernetesBackend({ kubeConfig, pollIntervalMs: 10, prometheusUrl: "http://127.0.0.1:1" });
  const ctx = {
    runId: "cmh3x9y2k0000rbac1234efgh",
    spec: runSpecSchema.parse({ backend: "KUBERNETES", mesh, rate: 100, connections: 2, durationSeconds: 1 }),
    signal: new AbortController().signal,
    onIterationProgress: () => {},
    log: () => {},
  };
  await backend.prepare(ctx);
  await backend.runIteration(ctx, 1);
  await backend.cleanup();
  return api.requests;
}

describe("worker RBAC (k8s/rbac/worker-rbac.yaml)", () => {
  it("allows every request the Kubernetes backend makes, and grants nothing it does not use", { timeout: 30_000 }, async () => {
    const docs = loadAllYaml(readFileSync(rbacFile, "utf8")) as { kind: string }[];
    const role = new ClusterRole(docs.find((d) => d.kind === "ClusterRole") as ClusterRole);
    expect(() => role.validate()).not.toThrow();

    const api = new FakeKubernetesApi(healthyFakeCluster());
    fakes.push(api);
    const kubeConfig = fakeKubeConfig(await api.start());
    api.nodes.push(fakeNode("node-a"), fakeNode("node-b"));
    installFakeMesh(api, "cilium");

    expect((await readClusterStatus({ kubeConfig })).connected).toBe(true);
    const backend = new KubernetesBackend({ kubeConfig, pollIntervalMs: 10, prometheusUrl: "http://127.0.0.1:1" });
    const ctx = {
      runId: "cmh3x9y2k0000rbac1234efgh",
      spec: runSpecSchema.parse({
        backend: "KUBERNETES",
        mesh: "cilium",
        rate: 100,
        connections: 2,
        durationSeconds: 1,
        probes: ["runqlat"],
      }),
      signal: new AbortController().signal,
      onIterationProgress: () => {},
      log: () => {},
    };
    await backend.prepare(ctx);
    await backend.runIteration(ctx, 1);
    await backend.cleanup();
    await deleteLeftoverNamespaces(kubeConfig, async () => false);

    const allowed = (a: Access) =>
      role.rules?.some((r) => r.apiGroups?.includes(a.group) && r.resources?.includes(a.resource) && r.verbs.includes(a.verb)) ??
      false;
    const requests = [...api.requests, ...(await meshRun("consul")), ...(await meshRun("istio-ambient-waypoint"))];
    const used = requests.map(accessOf).filter((a): a is Access => a !== null);
    const denied = used.filter((a) => !allowed(a)).map((a) => `${a.verb} ${a.group || "core"}/${a.resource}`);
    expect([...new Set(denied)]).toEqual([]);

    const granted = (role.rules ?? []).flatMap((r) =>
      (r.apiGroups ?? []).flatMap((group) =>
        (r.resources ?? []).flatMap((resource) => r.verbs.map((verb) => ({ group, resource, verb }))),
      ),
    );
    const unused = granted
      .filter((g) => !used.some((u) => u.group === g.group && u.resource === g.resource && u.verb === g.verb))
      .map((g) => `${g.verb} ${g.group || "core"}/${g.resource}`);
    // Used only when something goes wrong: node-probes reads a probe Job that never got a pod, to say why.
    expect(unused).toEqual(["get batch/jobs"]);
  });
});
