import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunWorkload } from "~/server/domain/cadvisor-queries";
import { KUBERNETES_MESH_PROFILES } from "~/server/domain/mesh-profiles";
import { measureComponentResources } from "~/worker/backends/kubernetes/component-resources";

/** A stand-in Prometheus answering instant queries by the container they select (API shape only). */
const answers: { match: string; cpu: string | null; memory: string | null }[] = [
  { match: 'container="fortio-client"', cpu: "1.25", memory: "52428800" },
  // Memory but no CPU: a single scrape inside the window.
  { match: 'container="fortio-server"', cpu: null, memory: "41943040" },
  { match: 'pod=~"istiod-.*"', cpu: "NaN", memory: null },
];

const workload: RunWorkload = {
  namespace: "meshbench-r1",
  clientPods: ["fortio-client-run-1-x"],
  serverPods: ["fortio-server-y"],
  nodes: ["n1"],
  windowStart: new Date(1_700_000_000_000),
  windowEnd: new Date(1_700_000_120_000),
};

let server: Server;
let url = "";
const times = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      const params = new URLSearchParams(body);
      const query = params.get("query") ?? "";
      times.add(params.get("time") ?? "");
      const hit = answers.find((a) => query.includes(a.match));
      const value = query.startsWith("sum(increase(") ? hit?.cpu : hit?.memory;
      const result = value == null ? [] : [{ metric: {}, value: [Number(params.get("time")), value] }];
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("measureComponentResources", () => {
  it("maps answers to figures, null (never 0) for what is missing, with a warning per missing component", async () => {
    const { components, warnings } = await measureComponentResources({
      resources: KUBERNETES_MESH_PROFILES["istio-ambient"].resources,
      workload,
      cadvisor: { job: "kubelet", nodeLabel: "node" },
      prometheusUrl: url,
    });
    expect(times).toEqual(new Set(["1700000120"]));
    expect(components).toEqual([
      { component: "loadgen", role: "loadgen", cpuCores: 1.25, maxRssBytes: 52428800 },
      { component: "upstream", role: "app", cpuCores: null, maxRssBytes: 41943040 },
      { component: "ztunnel", role: "proxy", cpuCores: null, maxRssBytes: null },
      { component: "waypoint", role: "proxy", cpuCores: null, maxRssBytes: null },
      { component: "istiod", role: "control-plane", cpuCores: null, maxRssBytes: null },
    ]);
    // No warning for the optional waypoint.
    expect(warnings).toEqual([
      "CPU of upstream not measured: fewer than two cAdvisor samples in the 120 s window",
      'no cAdvisor series for ztunnel (job="kubelet", namespace=~"istio-system", pod=~"ztunnel-.*", node=~"n1", container="istio-proxy", image!=""): is Prometheus scraping the kubelet\'s cAdvisor?',
      'no cAdvisor series for istiod (job="kubelet", namespace=~"istio-system", pod=~"istiod-.*", container="discovery", image!=""): is Prometheus scraping the kubelet\'s cAdvisor?',
    ]);
  });

  it("says so when the window is too short for two scrapes", async () => {
    const short = { ...workload, windowEnd: new Date(workload.windowStart.getTime() + 20_000) };
    const { warnings } = await measureComponentResources({ resources: [], workload: short, prometheusUrl: url });
    expect(warnings).toEqual(["CPU of upstream not measured: fewer than two cAdvisor samples in the 20 s window"]);
    const none = await measureComponentResources({
      resources: KUBERNETES_MESH_PROFILES.istio.resources.slice(0, 1),
      workload: short,
      prometheusUrl: url,
    });
    expect(none.warnings.at(-1)).toMatch(/proxy-client .*\(or the 20 s window is shorter than two scrape intervals\)$/);
  });
});
