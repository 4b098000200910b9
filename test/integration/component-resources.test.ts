import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunWorkload } from "~/server/domain/cadvisor-queries";
import { KUBERNETES_MESH_PROFILES } from "~/server/domain/mesh-profiles";
import { measureComponentResources } from "~/worker/backends/kubernetes/component-resources";
import { testEnv } from "../test-env";
import { startPrometheus } from "./processes";

/** Against the tests' own real Prometheus, which scrapes no kubelet: every figure missing, said clearly. */
describe("component CPU and memory from a Prometheus without cAdvisor", () => {
  let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  const now = Date.now();
  const workload: RunWorkload = {
    namespace: "meshbench-test",
    clientPods: ["fortio-client-run-1-abcde"],
    serverPods: ["fortio-server-5d8f7-qwert"],
    nodes: ["node-a"],
    windowStart: new Date(now - 90_000),
    windowEnd: new Date(now),
  };
  const measure = () =>
    measureComponentResources({
      resources: KUBERNETES_MESH_PROFILES.istio.resources,
      workload,
      cadvisor: { job: "kubelet", nodeLabel: "node" },
      prometheusUrl: testEnv.PROMETHEUS_URL,
    });

  beforeAll(async () => {
    prometheus = await startPrometheus();
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it("reports every figure as null with one warning per component", async () => {
    const { components, warnings } = await measure();
    expect(components.map((c) => c.component)).toEqual(["loadgen", "upstream", "proxy-client", "proxy-server", "istiod"]);
    expect(components.every((c) => c.cpuCores === null && c.maxRssBytes === null)).toBe(true);
    expect(warnings).toHaveLength(5);
    expect(warnings[2]).toBe(
      'no cAdvisor series for proxy-client (job="kubelet", namespace="meshbench-test", pod=~"fortio-client-run-1-abcde", container="istio-proxy", image!=""): is Prometheus scraping the kubelet\'s cAdvisor?',
    );
  });

  it("with Prometheus gone: all null and one warning that it is unreachable", async () => {
    await prometheus?.stop();
    prometheus = undefined;
    const { components, warnings } = await measure();
    expect(components).toHaveLength(5);
    expect(components.every((c) => c.cpuCores === null && c.maxRssBytes === null)).toBe(true);
    expect(warnings).toEqual([
      `component CPU and memory not measured: Prometheus at ${testEnv.PROMETHEUS_URL} is unreachable (ECONNREFUSED)`,
    ]);
  });
});
