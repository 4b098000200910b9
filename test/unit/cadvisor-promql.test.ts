import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { componentQueries, liveComponentQueries } from "~/core/cadvisor-queries";
import { KUBERNETES_MESH_PROFILES } from "~/core/kubernetes-meshes";

/**
 * The generated PromQL evaluated by the real Prometheus engine: `promtool test rules` on synthetic
 * cAdvisor series. promtool fails when a query's value differs from the expected one.
 */

// Series start at the Unix epoch, one sample every 15 s; the window is [60 s, 360 s].
const windowStart = new Date(60_000);
const windowEnd = new Date(360_000);
const ns = "bench";
const server = "fortio-server-a.b"; // "." must match a dot only: fortio-server-aXb is a decoy

const istio = KUBERNETES_MESH_PROFILES.istio.resources;
const ztunnel = KUBERNETES_MESH_PROFILES["istio-ambient"].resources.filter((t) => t.component === "ztunnel");
const plan = componentQueries(
  [...istio, ...ztunnel],
  { client: "fortio-client", server: "fortio-server" },
  { namespace: ns, clientPods: ["fortio-client-run-1-abcde"], serverPods: [server], nodes: ["n1", "n2"], windowStart, windowEnd },
  { job: "kubelet", nodeLabel: "node" },
);

const cpu = "container_cpu_usage_seconds_total";
const mem = "container_memory_working_set_bytes";
const series = (name: string, labels: Record<string, string>, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`,
  values,
});
const kubelet = (namespace: string, pod: string, container: string, more: Record<string, string> = {}) => ({
  job: "kubelet",
  namespace,
  pod,
  container,
  image: container === "" ? "" : `img/${container}`,
  node: "n1",
  ...more,
});
// 0.5 cores as a counter: +7.5 CPU seconds per 15 s sample.
const cores = (c: number) => `0+${c * 15}x30`;
// Working set: high before the window, a 300 MB peak inside it, higher again after it.
const workingSet = "900000000x3 100000000x5 300000000 100000000x13 800000000 100000000x5";

const inputSeries = [
  series(cpu, kubelet(ns, server, "istio-proxy"), cores(0.5)),
  series(mem, kubelet(ns, server, "istio-proxy"), workingSet),
  // Excluded: the pod cgroup, the pause container, the decoy pod, another namespace, another job,
  // and the kubelet's /metrics/resource copy (no image label).
  series(cpu, kubelet(ns, server, ""), cores(2)),
  series(mem, kubelet(ns, server, ""), "500000000x31"),
  series(cpu, kubelet(ns, server, "POD"), cores(0.1)),
  series(cpu, kubelet(ns, "fortio-server-aXb", "istio-proxy"), cores(1)),
  series(mem, kubelet(ns, "fortio-server-aXb", "istio-proxy"), "700000000x31"),
  series(cpu, kubelet("other", server, "istio-proxy"), cores(1)),
  series(cpu, kubelet(ns, server, "istio-proxy", { job: "kubelet-copy" }), cores(1)),
  series(cpu, { ...kubelet(ns, server, "istio-proxy", { metrics_path: "/metrics/resource" }), image: "" }, cores(0.5)),
  series(cpu, kubelet(ns, server, "fortio-server"), cores(0.2)),
  series(cpu, kubelet(ns, "fortio-client-run-1-abcde", "fortio-client"), cores(1)),
  // ztunnel: two workload nodes summed, a third node left out; memory is the largest instance.
  series(cpu, kubelet("istio-system", "ztunnel-aaaaa", "istio-proxy", { node: "n1" }), cores(0.25)),
  series(cpu, kubelet("istio-system", "ztunnel-bbbbb", "istio-proxy", { node: "n2" }), cores(0.125)),
  series(cpu, kubelet("istio-system", "ztunnel-ccccc", "istio-proxy", { node: "n3" }), cores(1)),
  series(mem, kubelet("istio-system", "ztunnel-aaaaa", "istio-proxy", { node: "n1" }), "40000000x31"),
  series(mem, kubelet("istio-system", "ztunnel-bbbbb", "istio-proxy", { node: "n2" }), "60000000x31"),
  series(mem, kubelet("istio-system", "ztunnel-ccccc", "istio-proxy", { node: "n3" }), "900000000x31"),
  series(cpu, kubelet("istio-system", "istiod-6d5f-abcde", "discovery"), cores(0.1)),
];

// Expected figures per component; null = no series, so an empty result (null in the run result).
const expected: Record<string, { cpu: number | null; memory: number | null }> = {
  loadgen: { cpu: 1, memory: null },
  upstream: { cpu: 0.2, memory: null },
  "proxy-client": { cpu: null, memory: null },
  "proxy-server": { cpu: 0.5, memory: 300_000_000 },
  istiod: { cpu: 0.1, memory: null },
  ztunnel: { cpu: 0.375, memory: 60_000_000 },
};

const sample = (value: number | null) => (value === null ? [] : [{ labels: "{}", value }]);

function promtool(...args: string[]): string {
  try {
    return execFileSync("promtool", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string };
    if (e.code === "ENOENT") throw new Error("promtool not found: install Debian's prometheus package (scripts/lib.sh does)");
    throw new Error(`promtool ${args.join(" ")} failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

describe("cAdvisor PromQL on the Prometheus engine (promtool)", () => {
  it("sums CPU cores and takes the peak working set of the right containers only", () => {
    expect(plan.evalTime).toBe(360); // eval_time 6m below
    expect(plan.queries.map((q) => q.component).sort()).toEqual(Object.keys(expected).sort());
    const tests = plan.queries.flatMap((q) => [
      { expr: q.cpu, eval_time: "6m", exp_samples: sample(expected[q.component]?.cpu ?? null) },
      { expr: q.memory, eval_time: "6m", exp_samples: sample(expected[q.component]?.memory ?? null) },
    ]);
    // JSON is YAML: promtool reads it as a rule test file.
    const doc = {
      rule_files: [],
      evaluation_interval: "15s",
      tests: [{ interval: "15s", input_series: inputSeries, promql_expr_test: tests }],
    };
    const dir = mkdtempSync(path.join(tmpdir(), "cadvisor-promql-"));
    try {
      const file = path.join(dir, "cadvisor.test.yml");
      writeFileSync(file, JSON.stringify(doc, null, 2));
      expect(promtool("test", "rules", file)).toContain("SUCCESS");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("live PromQL of a cluster run (the run page's charts)", () => {
  const live = liveComponentQueries(
    KUBERNETES_MESH_PROFILES["istio-ambient-waypoint"].resources,
    { client: "fortio-client", server: "fortio-server" },
    "meshbench-r1",
    { job: "kubelet", nodeLabel: "node" },
  );
  const components = (promql: string) => [...promql.matchAll(/"component", "([^"]+)"/g)].map((m) => m[1]);

  it("names one series per component, node agents as summed over every node", () => {
    expect(components(live.cpu)).toEqual(["loadgen", "upstream", "ztunnel (all nodes)", "waypoint", "istiod"]);
    expect(components(live.memory)).toEqual(components(live.cpu));
  });

  it("matches every repetition's pods by name in the run's namespace, and no node (the web does not know them)", () => {
    expect(live.cpu).toContain(
      'sum(irate(container_cpu_usage_seconds_total{job="kubelet", namespace="meshbench-r1", pod=~"fortio-client-.*", container="fortio-client", image!=""}[60s]))',
    );
    expect(live.memory).toContain(
      'sum(container_memory_working_set_bytes{job="kubelet", namespace="meshbench-r1", pod=~"fortio-server-.*", container="fortio-server", image!=""})',
    );
    expect(live.cpu).not.toContain("node=~");
  });
});
