import { describe, expect, it } from "vitest";
import {
  componentQueries,
  kubeletScrapeInterval,
  liveComponentQueries,
  parsePromDuration,
  type RunWorkload,
  regexLiteral,
  shortWindowWarning,
  windowSeconds,
} from "~/core/cadvisor-queries";
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

  it("ambient with a waypoint: ztunnel on the workload's nodes only, the waypoint in the run's namespace", () => {
    const q = byComponent(componentQueries(KUBERNETES_MESH_PROFILES["istio-ambient-waypoint"].resources, apps, workload, labels));
    expect(q.ztunnel?.selector).toBe(
      'job="kubelet", namespace=~"istio-system", pod=~"ztunnel-.*", node=~"node-a|node-b", container="istio-proxy", image!=""',
    );
    expect(q.waypoint?.optional).toBe(false);
    expect(
      byComponent(componentQueries(KUBERNETES_MESH_PROFILES["istio-ambient"].resources, apps, workload, labels)).waypoint,
    ).toBe(undefined);
    expect(q.waypoint?.selector).toContain('namespace="meshbench-abc", pod=~"waypoint-.*"');
  });

  it("linkerd: every control-plane container, memory summed per pod", () => {
    const q = byComponent(componentQueries(KUBERNETES_MESH_PROFILES.linkerd.resources, apps, workload, labels));
    const cp = q["linkerd-control-plane"];
    expect(cp?.selector).toContain('container=~"destination|sp-validator|policy|identity|proxy-injector|linkerd-proxy"');
    expect(cp?.memory).toMatch(/^max\(sum by \(pod\) \(max_over_time\(container_memory_working_set_bytes\{/);
  });

  it("scrape interval from Prometheus's targets, and the short-window warning", () => {
    expect(parsePromDuration("30s")).toBe(30);
    expect(parsePromDuration("1m30s")).toBe(90);
    expect(parsePromDuration("500ms")).toBe(0.5);
    expect(parsePromDuration("30")).toBeNull();
    const targets = [
      { labels: { job: "kubelet" }, scrapeUrl: "https://10.0.0.1:10250/metrics/cadvisor", scrapeInterval: "30s" },
      { labels: { job: "kubelet" }, scrapeUrl: "https://10.0.0.2:10250/metrics/cadvisor", scrapeInterval: "15s" },
      { labels: { job: "node-exporter" }, scrapeUrl: "http://10.0.0.1:9100/metrics", scrapeInterval: "5s" },
    ];
    expect(kubeletScrapeInterval(targets, labels)).toBe(30);
    expect(kubeletScrapeInterval(targets, { job: "", nodeLabel: "node" })).toBe(30);
    expect(kubeletScrapeInterval(targets, { job: "cadvisor", nodeLabel: "node" })).toBeNull();
    expect(shortWindowWarning(45, 30)).toMatch(/45 s\) is shorter than two kubelet scrapes \(every 30 s\).*at least 60 s/);
    expect(shortWindowWarning(60, 30)).toBeNull();
    // The live charts' irate window covers two of the cluster's real scrapes, at least 60 s.
    const live = (interval: number | null) =>
      liveComponentQueries(KUBERNETES_MESH_PROFILES.istio.resources, apps, "meshbench-abc", labels, interval).cpu;
    expect(live(null)).toContain("[60s]");
    expect(live(15)).toContain("[60s]");
    expect(live(60)).toContain("[150s]");
    expect(shortWindowWarning(5, null)).toBeNull();
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
