import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunWorkload } from "~/core/cadvisor-queries";
import { runNamespaceName } from "~/core/cluster-names";
import { KUBERNETES_MESH_PROFILES, type ResourceTarget } from "~/core/kubernetes-meshes";
import type { ComponentUsage } from "~/core/result";
import { queryInstant } from "~/server/metrics/prometheus";
import { type MetricChart, queryRunMetrics } from "~/server/metrics/run-metrics";
import { discoverScrapeInterval } from "~/server/metrics/scrape-interval";
import { type FakeContainerSeries, FakeKubeletCadvisor } from "~/test/fakes/fake-kubelet-cadvisor";
import { measureComponentResources } from "~/worker/backends/kubernetes/component-resources";

/**
 * Component CPU and memory measured by a REAL Prometheus (its own instance, 1 s scrapes) from the
 * kubelet endpoints of FakeKubeletCadvisor, the fake standing in for the cluster's nodes. The
 * queries run through the real PromQL engine on really scraped samples: increase() extrapolation,
 * label matching, decoy series and all.
 */

const NS = "meshbench-r1";
const CLIENT_POD = "fortio-client-run-1-x7k2p";
const SERVER_POD = "fortio-server-5d8f7-qwert";
const MiB = 1024 * 1024;

const container = (
  namespace: string,
  pod: string,
  name: string,
  image: string,
  node: string,
  cpuCores: number,
  workingSetMiB: number,
): FakeContainerSeries => ({ namespace, pod, container: name, image, node, cpuCores, workingSetBytes: workingSetMiB * MiB });

const series: FakeContainerSeries[] = [
  container(NS, CLIENT_POD, "fortio-client", "fortio/fortio:1.69.1", "n1", 1.2, 50),
  container(NS, CLIENT_POD, "istio-proxy", "istio/proxyv2:1.24.0", "n1", 0.5, 70),
  container(NS, SERVER_POD, "fortio-server", "fortio/fortio:1.69.1", "n2", 0.8, 40),
  container(NS, SERVER_POD, "istio-proxy", "istio/proxyv2:1.24.0", "n2", 0.3, 64),
  container("istio-system", "istiod-7b9c5d-abcde", "discovery", "istio/pilot:1.24.0", "n3", 0.05, 100),
  // ztunnel on each node; n3 hosts neither the client nor the server, so its (bigger) ztunnel is not counted.
  container("istio-system", "ztunnel-aaaaa", "istio-proxy", "istio/ztunnel:1.24.0", "n1", 0.25, 30),
  container("istio-system", "ztunnel-bbbbb", "istio-proxy", "istio/ztunnel:1.24.0", "n2", 0.15, 28),
  container("istio-system", "ztunnel-ccccc", "istio-proxy", "istio/ztunnel:1.24.0", "n3", 0.9, 95),
];
const WINDOW_SECONDS = 5;

const kubelet = new FakeKubeletCadvisor(series);
let prometheus: { url: string; stop: () => Promise<void> } | undefined;
let prometheusUrl = "";

/** A workload over the last WINDOW_SECONDS (or the given window). */
const workload = (window?: { start: Date; end: Date }): RunWorkload => {
  const end = window?.end ?? new Date();
  return {
    namespace: NS,
    clientPods: [CLIENT_POD],
    serverPods: [SERVER_POD],
    nodes: ["n1", "n2"],
    windowStart: window?.start ?? new Date(end.getTime() - WINDOW_SECONDS * 1000),
    windowEnd: end,
  };
};

const measure = (resources: readonly ResourceTarget[], w = workload()) =>
  measureComponentResources({ resources, workload: w, cadvisor: { job: "kubelet", nodeLabel: "node" }, prometheusUrl });

const byComponent = (components: ComponentUsage[]) => Object.fromEntries(components.map((c) => [c.component, c]));

/** Mean cores within ±15% of the fake's rate (increase() extrapolates over ~5 samples). */
function expectCores(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(actual).toBeGreaterThan(expected * 0.85);
  expect(actual).toBeLessThan(expected * 1.15);
}

beforeAll(async () => {
  const kubeletPort = await kubelet.start();
  prometheus = await startPrometheus(kubeletPort);
  prometheusUrl = prometheus.url;
  // Both kubelet endpoints scraped for more than the window (7 samples ≈ 6 s at 1 s intervals).
  const deadline = Date.now() + 20_000;
  for (;;) {
    const counts = await queryInstant('count_over_time(up{job="kubelet"}[10s])', Date.now() / 1000, prometheusUrl);
    if (counts.length === 2 && counts.every((c) => (c.value ?? 0) >= 7)) break;
    if (Date.now() > deadline) throw new Error(`Prometheus has too few kubelet samples: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

afterAll(async () => {
  await prometheus?.stop();
  await kubelet.stop();
});

describe("component CPU and memory from a real Prometheus scraping a fake kubelet", () => {
  it("istio: every container's mean cores and peak working set; decoy series scraped but not counted", async () => {
    const { components, warnings } = await measure(KUBERNETES_MESH_PROFILES.istio.resources);
    expect(warnings).toEqual([]);
    expect(components.map((c) => [c.component, c.role])).toEqual([
      ["loadgen", "loadgen"],
      ["upstream", "app"],
      ["proxy-client", "proxy"],
      ["proxy-server", "proxy"],
      ["istiod", "control-plane"],
    ]);
    const c = byComponent(components);
    expectCores(c.loadgen?.cpuCores, 1.2);
    expectCores(c.upstream?.cpuCores, 0.8);
    expectCores(c["proxy-client"]?.cpuCores, 0.5);
    expectCores(c["proxy-server"]?.cpuCores, 0.3);
    expectCores(c.istiod?.cpuCores, 0.05);
    expect(c.loadgen?.maxRssBytes).toBe(50 * MiB);
    expect(c.upstream?.maxRssBytes).toBe(40 * MiB);
    expect(c["proxy-client"]?.maxRssBytes).toBe(70 * MiB);
    expect(c["proxy-server"]?.maxRssBytes).toBe(64 * MiB);
    expect(c.istiod?.maxRssBytes).toBe(100 * MiB);

    // The decoys are really in Prometheus: the client pod's CPU summed over everything scraped
    // (pod cgroup, pause container, /metrics/resource copies) is about three times its containers'.
    const end = Date.now() / 1000;
    const [all] = await queryInstant(
      `sum(increase(container_cpu_usage_seconds_total{namespace="${NS}", pod="${CLIENT_POD}"}[${WINDOW_SECONDS}s])) / ${WINDOW_SECONDS}`,
      end,
      prometheusUrl,
    );
    expectCores(all?.value, 3 * (1.2 + 0.5) + 2 * 0.001);
  });

  it("the real scrape interval from Prometheus's targets, and a warning for a window shorter than two scrapes", async () => {
    const cadvisor = { job: "kubelet", nodeLabel: "node" };
    expect(await discoverScrapeInterval({ prometheusUrl, cadvisor })).toEqual({ seconds: 1, reason: null });
    expect(await discoverScrapeInterval({ prometheusUrl, cadvisor: { job: "absent", nodeLabel: "node" } })).toMatchObject({
      seconds: null,
      reason: "no active cAdvisor target tells its scrape interval",
    });
    const { warnings } = await measureComponentResources({
      resources: [],
      workload: workload(),
      cadvisor,
      prometheusUrl,
      scrapeIntervalSeconds: WINDOW_SECONDS,
    });
    expect(warnings[0]).toMatch(/is shorter than two kubelet scrapes/);
  });

  it("istio ambient: ztunnel on the workload's nodes only, no waypoint", async () => {
    const { components, warnings } = await measure(KUBERNETES_MESH_PROFILES["istio-ambient"].resources);
    expect(warnings).toEqual([]);
    const c = byComponent(components);
    expectCores(c.ztunnel?.cpuCores, 0.25 + 0.15);
    // The peak of the largest instance on n1/n2, not n3's bigger ztunnel.
    expect(c.ztunnel?.maxRssBytes).toBe(30 * MiB);
    expect(c.waypoint).toBeUndefined();
    expectCores(c.istiod?.cpuCores, 0.05);
  });

  it("a required component with no series: null with a warning that hints at the short window", async () => {
    const { components, warnings } = await measure(KUBERNETES_MESH_PROFILES.linkerd.resources);
    const c = byComponent(components);
    expectCores(c.loadgen?.cpuCores, 1.2);
    expect(c.upstream?.maxRssBytes).toBe(40 * MiB);
    for (const name of ["proxy-client", "proxy-server", "linkerd-control-plane"]) {
      expect(c[name]).toMatchObject({ cpuCores: null, maxRssBytes: null });
    }
    const hint = `is Prometheus scraping the kubelet's cAdvisor? (or the ${WINDOW_SECONDS} s window is shorter than two scrape intervals)`;
    expect(warnings).toEqual([
      `no cAdvisor series for proxy-client (job="kubelet", namespace="${NS}", pod=~"${CLIENT_POD}", container="linkerd-proxy", image!=""): ${hint}`,
      `no cAdvisor series for proxy-server (job="kubelet", namespace="${NS}", pod=~"${SERVER_POD}", container="linkerd-proxy", image!=""): ${hint}`,
      `no cAdvisor series for linkerd-control-plane (job="kubelet", namespace=~"linkerd", pod=~"linkerd-(destination|identity|proxy-injector)-.*", container=~"destination|sp-validator|policy|identity|proxy-injector|linkerd-proxy", image!=""): ${hint}`,
    ]);
  });

  it("a window holding one scrape: memory measured, CPU null with the fewer-than-two-samples warning", async () => {
    // Centre a 1 s window on one scrape: the scrapes before and after are 1 s away, outside it.
    const [last] = await queryInstant(
      `timestamp(container_memory_working_set_bytes{job="kubelet", pod="${CLIENT_POD}", container="fortio-client", image!=""})`,
      Date.now() / 1000,
      prometheusUrl,
    );
    const scrapedAt = (last?.value ?? 0) * 1000;
    expect(scrapedAt).toBeGreaterThan(0);
    const { components, warnings } = await measure(
      [],
      workload({ start: new Date(scrapedAt - 500), end: new Date(scrapedAt + 500) }),
    );
    expect(components).toEqual([
      { component: "loadgen", role: "loadgen", cpuCores: null, maxRssBytes: 50 * MiB },
      { component: "upstream", role: "app", cpuCores: null, maxRssBytes: 40 * MiB },
    ]);
    expect(warnings).toEqual([
      "CPU of loadgen not measured: fewer than two cAdvisor samples in the 1 s window",
      "CPU of upstream not measured: fewer than two cAdvisor samples in the 1 s window",
    ]);
  });

  it("a run whose pods were never scraped: its figures null, one warning each; cluster-wide istiod still measured", async () => {
    const gone = { ...workload(), namespace: "meshbench-gone" };
    const { components, warnings } = await measure(KUBERNETES_MESH_PROFILES.istio.resources, gone);
    const c = byComponent(components);
    for (const name of ["loadgen", "upstream", "proxy-client", "proxy-server"]) {
      expect(c[name]).toMatchObject({ cpuCores: null, maxRssBytes: null });
    }
    expectCores(c.istiod?.cpuCores, 0.05);
    expect(warnings.map((w) => w.slice(0, w.indexOf(" (")))).toEqual([
      "no cAdvisor series for loadgen",
      "no cAdvisor series for upstream",
      "no cAdvisor series for proxy-client",
      "no cAdvisor series for proxy-server",
    ]);
  });

  it("a cluster run's charts over time: CPU and memory per component of its namespace, node agents over every node", async () => {
    const finishedAt = new Date();
    const run = {
      id: "r1",
      backend: "KUBERNETES" as const,
      mesh: "istio-ambient",
      startedAt: new Date(finishedAt.getTime() - 6_000),
      finishedAt,
    };
    expect(runNamespaceName(run.id)).toBe(NS);
    const metrics = await queryRunMetrics(run, finishedAt, prometheusUrl);
    const latest = (chart: MetricChart) => Object.fromEntries(chart.series.map((s) => [s.name, s.points.at(-1)?.[1] ?? null]));
    const cpu = latest(metrics?.charts.cpu_by_component ?? { title: "", unit: "cores", series: [] });
    const memory = latest(metrics?.charts.memory_by_component ?? { title: "", unit: "bytes", series: [] });
    // No waypoint was deployed: no series, not a zero.
    const components = ["istiod", "loadgen", "upstream", "ztunnel (all nodes)"];
    expect(Object.keys(cpu).sort()).toEqual(components);
    expect(Object.keys(memory).sort()).toEqual(components);
    expectCores(cpu.loadgen, 1.2);
    expectCores(cpu.upstream, 0.8);
    expectCores(cpu["ztunnel (all nodes)"], 0.25 + 0.15 + 0.9);
    expectCores(cpu.istiod, 0.05);
    expect(memory.loadgen).toBe(50 * MiB);
    expect(memory["ztunnel (all nodes)"]).toBe((30 + 28 + 95) * MiB);
    // Every point of the window is there, from the first second on (irate: no ramp-up).
    const loadgen = metrics?.charts.cpu_by_component.series.find((s) => s.name === "loadgen");
    expect(loadgen?.points.length).toBeGreaterThanOrEqual(6);
    for (const [, value] of loadgen?.points ?? []) expectCores(value, 1.2);
    // The worker host's series are not this run's: none, rather than the wrong machine's.
    expect(metrics?.charts.host_cpu.series).toEqual([]);
    expect(metrics?.charts.latency_p50.series).toEqual([]);
  });

  it("with Prometheus gone: all null and one warning that it is unreachable", async () => {
    await prometheus?.stop();
    prometheus = undefined;
    const { components, warnings } = await measure(KUBERNETES_MESH_PROFILES.istio.resources);
    expect(components).toHaveLength(5);
    expect(components.every((c) => c.cpuCores === null && c.maxRssBytes === null)).toBe(true);
    expect(warnings).toEqual([
      `component CPU and memory not measured: Prometheus at ${prometheusUrl} is unreachable (ECONNREFUSED)`,
    ]);
  });
});

/** A port free right now (Prometheus binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * A real Prometheus of this test's own (temporary config and TSDB) scraping the fake kubelet as
 * kube-prometheus-stack scrapes a real one: /metrics/cadvisor and /metrics/resource both under
 * job="kubelet", told apart by a metrics_path label; honor_labels keeps the series' own labels.
 */
async function startPrometheus(kubeletPort: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "meshbench-cadvisor-"));
  const target = `127.0.0.1:${kubeletPort}`;
  const config = `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: kubelet
    honor_labels: true
    metrics_path: /metrics/cadvisor
    static_configs:
      - targets: ["${target}"]
    relabel_configs:
      - { source_labels: [__metrics_path__], target_label: metrics_path }
  - job_name: kubelet-resource
    honor_labels: true
    metrics_path: /metrics/resource
    static_configs:
      - targets: ["${target}"]
    relabel_configs:
      - { source_labels: [__metrics_path__], target_label: metrics_path }
      - { target_label: job, replacement: kubelet }
`;
  const configFile = path.join(dir, "prometheus.yml");
  await writeFile(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  // "close" also follows a failed spawn (e.g. no prometheus binary), reported through "error".
  child.on("error", (error) => {
    log += `${error.message}\n`;
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined) {
      await stop();
      throw new Error(`prometheus exited early:\n${log}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 15 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}
