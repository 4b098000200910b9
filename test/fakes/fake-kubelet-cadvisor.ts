import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * FakeKubeletCadvisor: a test double, NOT a kubelet. An in-process HTTP server standing in for the
 * one part of a Kubernetes node that cannot run here: the kubelet's metrics endpoints, which a real
 * Prometheus scrapes in the tests.
 *
 * - `/metrics/cadvisor`: container_cpu_usage_seconds_total (a counter growing at `cpuCores` per
 *   second of wall time since the fake started, so every scrape sees the same rate) and
 *   container_memory_working_set_bytes (a constant gauge) per configured container, labelled as
 *   the kubelet labels them (namespace, pod, container, image, name, id) plus `node`, the label
 *   kube-prometheus-stack adds by relabelling (scrape with `honor_labels: true` to keep it).
 *   Decoys a query must leave out, as a real kubelet serves them: per pod, the pod cgroup
 *   (container="", image="", the sum of the pod's containers) and the pause container
 *   (container="POD").
 * - `/metrics/resource`: the same two metric names per container without an image label, as the
 *   kubelet's resource-metrics endpoint serves them (kube-prometheus-stack scrapes it under the same
 *   job, so a query without image!="" would count each container twice).
 */

export interface FakeContainerSeries {
  namespace: string;
  pod: string;
  container: string;
  image: string;
  node: string;
  /** CPU the container uses, in cores: the counter's rate. */
  cpuCores: number;
  workingSetBytes: number;
}

/** The pause container of every pod: its own (small) CPU and memory, under container="POD". */
const PAUSE = { image: "registry.k8s.io/pause:3.9", cpuCores: 0.001, workingSetBytes: 450_560 };
/** The containers have run this long before the fake starts: counters do not start at zero. */
const UPTIME_SECONDS = 3_600;

const CPU = "container_cpu_usage_seconds_total";
const MEMORY = "container_memory_working_set_bytes";

export class FakeKubeletCadvisor {
  private server: Server | undefined;
  private readonly startedAt = Date.now();

  constructor(private readonly series: readonly FakeContainerSeries[]) {}

  /** Listens on 127.0.0.1 and an ephemeral port; returns the port. */
  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      const body = path === "/metrics/cadvisor" ? this.cadvisor() : path === "/metrics/resource" ? this.resource() : null;
      if (body === null) {
        res.statusCode = 404;
        res.end("not found\n");
        return;
      }
      res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The counter's value now for a container using `cores`. */
  private cpuSeconds(cores: number): number {
    return cores * (UPTIME_SECONDS + (Date.now() - this.startedAt) / 1000);
  }

  /** Each configured container, then per pod its pause container and its pod cgroup. */
  private cadvisorRows(): { labels: Record<string, string>; cpuCores: number; workingSetBytes: number }[] {
    const rows: { labels: Record<string, string>; cpuCores: number; workingSetBytes: number }[] = [];
    const pods = new Map<string, { namespace: string; pod: string; node: string; cpuCores: number; workingSetBytes: number }>();
    for (const s of this.series) {
      const uid = podUid(s.namespace, s.pod);
      rows.push({
        labels: {
          namespace: s.namespace,
          pod: s.pod,
          container: s.container,
          image: s.image,
          name: `${s.container}-${uid.slice(0, 12)}`,
          id: `/kubepods/burstable/pod${uid}/${containerId(uid, s.container)}`,
          node: s.node,
        },
        cpuCores: s.cpuCores,
        workingSetBytes: s.workingSetBytes,
      });
      const key = `${s.namespace}/${s.pod}`;
      const pod = pods.get(key) ?? { namespace: s.namespace, pod: s.pod, node: s.node, ...PAUSE };
      pod.cpuCores += s.cpuCores;
      pod.workingSetBytes += s.workingSetBytes;
      pods.set(key, pod);
    }
    for (const p of pods.values()) {
      const uid = podUid(p.namespace, p.pod);
      const base = { namespace: p.namespace, pod: p.pod, node: p.node };
      rows.push({
        labels: {
          ...base,
          container: "POD",
          image: PAUSE.image,
          name: `k8s_POD_${p.pod}`,
          id: `/kubepods/burstable/pod${uid}/pause`,
        },
        cpuCores: PAUSE.cpuCores,
        workingSetBytes: PAUSE.workingSetBytes,
      });
      rows.push({
        labels: { ...base, container: "", image: "", name: "", id: `/kubepods/burstable/pod${uid}` },
        cpuCores: p.cpuCores,
        workingSetBytes: p.workingSetBytes,
      });
    }
    return rows;
  }

  private cadvisor(): string {
    const rows = this.cadvisorRows();
    return [
      `# HELP ${CPU} Cumulative cpu time consumed in seconds.`,
      `# TYPE ${CPU} counter`,
      ...rows.map((r) => `${CPU}{${labelText({ ...r.labels, cpu: "total" })}} ${this.cpuSeconds(r.cpuCores)}`),
      `# HELP ${MEMORY} Current working set in bytes.`,
      `# TYPE ${MEMORY} gauge`,
      ...rows.map((r) => `${MEMORY}{${labelText(r.labels)}} ${r.workingSetBytes}`),
      "",
    ].join("\n");
  }

  private resource(): string {
    const labels = (s: FakeContainerSeries) =>
      labelText({ container: s.container, namespace: s.namespace, pod: s.pod, node: s.node });
    return [
      `# HELP ${CPU} [STABLE] Cumulative cpu time consumed by the container in core-seconds`,
      `# TYPE ${CPU} counter`,
      ...this.series.map((s) => `${CPU}{${labels(s)}} ${this.cpuSeconds(s.cpuCores)}`),
      `# HELP ${MEMORY} [STABLE] Current working set of the container in bytes`,
      `# TYPE ${MEMORY} gauge`,
      ...this.series.map((s) => `${MEMORY}{${labels(s)}} ${s.workingSetBytes}`),
      "",
    ].join("\n");
  }
}

/** Label pairs in the text exposition format (values escaped: backslash, quote, newline). */
function labelText(labels: Record<string, string>): string {
  const quoted = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${quoted(v)}"`)
    .join(",");
}

/** A stable, UID-shaped hex string per pod (no randomness: scrapes must name the same series). */
function podUid(namespace: string, pod: string): string {
  let h = 2166136261;
  for (const ch of `${namespace}/${pod}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(4, 7)}-${hex}${hex.slice(0, 4)}`;
}

function containerId(uid: string, container: string): string {
  return `${container}-${uid.replace(/-/g, "")}`;
}
