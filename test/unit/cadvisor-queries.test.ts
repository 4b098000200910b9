import { describe, expect, it } from "vitest";
import { componentQueries, type RunWorkload, regexLiteral, windowSeconds } from "~/core/cadvisor-queries";
import { KUBERNETES_MESH_PROFILES } from "~/core/kubernetes-meshes";

const apps = { client: "fortio-client", server: "fortio-server" };
const labels = { job: "kubelet", nodeLabel: "node" };
const workload: RunWorkload = {
  namespace: "meshbench-abc",
  clientPods: ["fortio-client-run-1-x7k2p"],
  serverPods: ["fortio-server-5d8f7-qwert"],
  nodes: ["node-a", "node-b"],
  windowStart: new Date("2025-01-01T00:00:10Z"),
  windowEnd: new Date("2025-01-01T00:05:10Z"),
};

const byComponent = (plan: ReturnType<typeof componentQueries>) => Object.fromEntries(plan.queries.map((q) => [q.component, q]));

describe("cAdvisor queries", () => {
  it("istio: app containers and sidecars in the run's pods, istiod cluster-wide", () => {
    const plan = componentQueries(KUBERNETES_MESH_PROFILES.istio.resources, apps, workload, labels);
    expect(plan.windowSeconds).toBe(300);
    expect(plan.evalTime).toBe(Date.parse("2025-01-01T00:05:10Z") / 1000);
    expect(plan.queries.map((q) => [q.component, q.role])).toEqual([
      ["loadgen", "loadgen"],
      ["upstream", "app"],
      ["proxy-client", "proxy"],
      ["proxy-server", "proxy"],
      ["istiod", "control-plane"],
    ]);
    const q = byComponent(plan);
    expect(q.loadgen?.cpu).toBe(
      'sum(increase(container_cpu_usage_seconds_total{job="kubelet", namespace="meshbench-abc", pod=~"fortio-client-run-1-x7k2p", container="fortio-client", image!=""}[300s])) / 300',
    );
    expect(q["proxy-server"]?.memory).toBe(
      'max(max_over_time(container_memory_working_set_bytes{job="kubelet", namespace="meshbench-abc", pod=~"fortio-server-5d8f7-qwert", container="istio-proxy", image!=""}[300s]))',
    );
    expect(q.istiod?.selector).toBe(
      'job="kubelet", namespace=~"istio-system", pod=~"istiod-.*", container="discovery", image!=""',
    );
    expect(plan.queries.every((x) => !x.optional)).toBe(true);
  });

  it("ambient: ztunnel on the workload's nodes only, waypoint optional in the run's namespace", () => {
    const q = byComponent(componentQueries(KUBERNETES_MESH_PROFILES["istio-ambient"].resources, apps, workload, labels));
    expect(q.ztunnel?.selector).toBe(
      'job="kubelet", namespace=~"istio-system", pod=~"ztunnel-.*", node=~"node-a|node-b", container="istio-proxy", image!=""',
    );
    expect(q.waypoint?.optional).toBe(true);
    expect(q.waypoint?.selector).toContain('namespace="meshbench-abc", pod=~"waypoint-.*"');
  });

  it("cilium: several namespaces, a profile regex kept as a regex, a custom node label and no job", () => {
    const q = byComponent(
      componentQueries(KUBERNETES_MESH_PROFILES.cilium.resources, apps, workload, { job: "", nodeLabel: "kubernetes_node" }),
    );
    expect(q["cilium-agent"]?.selector).toBe(
      'namespace=~"kube-system|cilium", pod=~"cilium-[a-z0-9]{5}", kubernetes_node=~"node-a|node-b", container="cilium-agent", image!=""',
    );
    expect(q["cilium-operator"]?.selector).not.toContain("kubernetes_node");
  });

  it("escapes names: regex metacharacters in pod names, quotes in strings", () => {
    expect(regexLiteral("a.b+c(d)|e[f]")).toBe("a\\.b\\+c\\(d\\)\\|e\\[f\\]");
    const q = byComponent(
      componentQueries([], apps, { ...workload, serverPods: ["srv.1", "srv-2"] }, { job: 'my "job"\\', nodeLabel: "node" }),
    );
    // The regex srv\.1 written as a PromQL string literal doubles its backslash.
    expect(q.upstream?.selector).toBe(
      'job="my \\"job\\"\\\\", namespace="meshbench-abc", pod=~"srv\\\\.1|srv-2", container="fortio-server", image!=""',
    );
  });

  it("window: whole seconds inside the window, at least one", () => {
    expect(windowSeconds(new Date(0), new Date(30_999))).toBe(30);
    expect(windowSeconds(new Date(0), new Date(200))).toBe(1);
  });
});
