import { readFileSync } from "node:fs";
import path from "node:path";
import { BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { afterEach, describe, expect, it } from "vitest";
import type { ProbeName, ProbeRunResult } from "~/core/probes";
import { FakeKubernetesApi, fakeKubeConfig, type KubeObject } from "~/test/fakes/fake-kube-api";
import { type NodeProbesOptions, startNodeProbes } from "~/worker/backends/kubernetes/node-probes";
import type { ProbeSample } from "~/worker/probes/types";

/**
 * Probes on cluster nodes driven through @kubernetes/client-node against FakeKubernetesApi (an
 * in-process fake, not a Kubernetes API server): one bpftrace Job per probe per node, attach on
 * the BEGIN marker in the pod log, recorded bpftrace output read back at stop().
 */
const fixtures = path.resolve(import.meta.dirname, "../fixtures/bpftrace");
const recorded = (probe: ProbeName) => readFileSync(path.join(fixtures, `probe-${probe}.jsonl`), "utf8");
/** What bpftrace has written once it attached: attached_probes and the BEGIN marker. */
const attachedPart = (probe: ProbeName) => `${recorded(probe).split("\n").slice(0, 2).join("\n")}\n`;
const MEMLOCK = "WARNING: Cannot raise RLIMIT_MEMLOCK, the kernel may refuse to load BPF programs\n";

const ns = "meshbench-abcd1234";
const runId = "cmh3x9y2k0000abcd1234efgh";
const nodes = ["node-a", "node-b"];
const probes: ProbeName[] = ["runqlat", "tcp_rtt"];

interface ProbePod {
  probe: ProbeName;
  node: string;
  pod: string;
  job: KubeObject;
}
/** What the fake cluster does with a new probe pod; default: it runs and bpftrace attaches. */
type Behaviour = (api: FakeKubernetesApi, p: ProbePod) => void;
const attach: Behaviour = (api, p) => {
  api.setPodReady(ns, p.pod);
  api.setPodLog(ns, p.pod, attachedPart(p.probe));
};

let fake: FakeKubernetesApi | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function cluster(behaviour: (p: Omit<ProbePod, "pod" | "job">) => Behaviour = () => attach) {
  const pods: ProbePod[] = [];
  const api = new FakeKubernetesApi({
    onJobCreated: (a, _namespace, job, pod) => {
      const annotations = job.metadata.annotations ?? {};
      const p = { probe: annotations["meshbench.io/probe"] as ProbeName, node: annotations["meshbench.io/node"] ?? "", pod, job };
      pods.push(p);
      behaviour(p)(a, p);
    },
  });
  fake = api;
  const server = await api.start();
  api.namespaces.set(ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  const kc = fakeKubeConfig(server);
  const logs: string[] = [];
  const samples: { sample: ProbeSample; node: string }[] = [];
  const options = (extra: Partial<NodeProbesOptions> = {}): NodeProbesOptions => ({
    core: kc.makeApiClient(CoreV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    namespace: ns,
    runId,
    iteration: 1,
    probes,
    nodes,
    durationSeconds: 30,
    pollIntervalMs: 10,
    attachTimeoutMs: 2_000,
    stopGraceMs: 2_000,
    signal: new AbortController().signal,
    log: (m) => logs.push(m),
    onSample: (sample, node) => samples.push({ sample, node }),
    ...extra,
  });
  /** bpftrace reaches its deadline: the END marker is logged and the container exits 0. */
  const finishAll = (which: ProbePod[] = pods) => {
    for (const p of which) api.finishPod(ns, p.pod, 0, recorded(p.probe), { message: MEMLOCK });
  };
  return { api, pods, logs, samples, options, finishAll };
}

/** Calls stop(), and lets the probes end by themselves a little later, as their deadline would. */
async function stopThenFinish(stop: () => Promise<ProbeRunResult[]>, finish: () => void): Promise<ProbeRunResult[]> {
  const results = stop();
  await new Promise((resolve) => setTimeout(resolve, 50));
  finish();
  return results;
}

const nonGet = (api: FakeKubernetesApi) => api.requestLines.filter((l) => !l.startsWith("GET"));

describe("startNodeProbes against FakeKubernetesApi", () => {
  it("runs each probe on each node, waits for BEGIN, and reads every pod's log into a result for that node", async () => {
    const { api, pods, samples, logs, options, finishAll } = await cluster();
    const session = await startNodeProbes(options());
    expect(pods).toHaveLength(4);
    expect(nonGet(api)).toEqual(
      pods.flatMap(() => [`POST /api/v1/namespaces/${ns}/configmaps`, `POST /apis/batch/v1/namespaces/${ns}/jobs`]),
    );
    expect(logs.at(-1)).toMatch(/4\/4 attached on node-a, node-b/);

    const results = await stopThenFinish(() => session.stop(), finishAll);
    expect(results.map((r) => [r.probe, r.host])).toEqual([
      ["runqlat", "node-a"],
      ["runqlat", "node-b"],
      ["tcp_rtt", "node-a"],
      ["tcp_rtt", "node-b"],
    ]);
    for (const r of results) {
      if (!r.available) throw new Error(`unavailable: ${r.reason}`);
      expect(r.complete).toBe(true);
      expect(r.warnings).toEqual([]);
      expect(r.scope.hostWide).toBe(true);
      expect(r.summary.p50Us).toBeGreaterThan(0);
      expect(r.data.intervals.length).toBeGreaterThanOrEqual(3);
      expect(r.diagnostics).toMatchObject({ exitCode: 0, stderr: "", lostEvents: 0, signal: null });
      expect(r.diagnostics.program).toContain("meshbench:begin");
      expect(r.overhead.bpftraceCpuSeconds).toBeNull();
    }
    expect(new Set(samples.map((s) => s.node))).toEqual(new Set(nodes));
    expect(samples.filter((s) => s.node === "node-a" && s.sample.probe === "runqlat").length).toBe(
      results[0]?.available ? results[0].data.intervals.length : -1,
    );

    // Deleted at stop, Job then ConfigMap, for each probe and node.
    const names = pods.map((p) => p.job.metadata.name);
    expect(nonGet(api).slice(8)).toEqual(
      names.flatMap((n) => [
        `DELETE /apis/batch/v1/namespaces/${ns}/jobs/${n}`,
        `DELETE /api/v1/namespaces/${ns}/configmaps/${n}`,
      ]),
    );
    expect(api.objects.size).toBe(0);
    expect(await session.stop()).toBe(results);
  });

  it("creates objects that pass the Kubernetes schemas, pinned to their node, named per iteration", async () => {
    const { api, pods, options, finishAll } = await cluster();
    const first = await startNodeProbes(options({ probes: ["runqlat"], nodes: ["node-a"] }));
    await stopThenFinish(() => first.stop(), finishAll);
    const second = await startNodeProbes(options({ probes: ["runqlat"], nodes: ["node-a"], iteration: 2 }));
    await stopThenFinish(
      () => second.stop(),
      () => finishAll(pods.slice(1)),
    );

    const posted = api.requests.filter((r) => r.method === "POST").map((r) => r.body);
    expect(posted).toHaveLength(4);
    const [configMap, job] = posted;
    expect(() => new ConfigMap(configMap ?? {}).validate()).not.toThrow();
    expect(() => new Job(job ?? {}).validate()).not.toThrow();
    const spec = job?.spec as { template: { spec: { hostPID: boolean; affinity: unknown } } };
    expect(spec.template.spec.hostPID).toBe(true);
    expect(JSON.stringify(spec.template.spec.affinity)).toContain('"values":["node-a"]');
    expect(pods.map((p) => p.job.metadata.labels?.["meshbench.io/iteration"])).toEqual(["1", "2"]);
    expect(pods[0]?.job.metadata.name).not.toBe(pods[1]?.job.metadata.name);
  });

  it("a probe whose bpftrace fails is unavailable on that node, with bpftrace's error; the others still measure", async () => {
    const error = `${MEMLOCK}ERROR: Could not resolve symbol: /proc/self/exe:BEGIN_trigger\n`;
    const { api, pods, options, finishAll } = await cluster((p) =>
      p.node === "node-b" && p.probe === "runqlat" ? (a, pod) => a.finishPod(ns, pod.pod, 1, "", { message: error }) : attach,
    );
    const session = await startNodeProbes(options());
    const failedJob = pods.find((p) => p.node === "node-b" && p.probe === "runqlat")?.job.metadata.name;
    // Given up on at once: its objects are deleted before the load starts.
    expect(nonGet(api)).toContain(`DELETE /apis/batch/v1/namespaces/${ns}/jobs/${failedJob}`);

    const results = await stopThenFinish(
      () => session.stop(),
      () => finishAll(pods.filter((p) => p.job.metadata.name !== failedJob)),
    );
    expect(results.map((r) => r.available)).toEqual([true, false, true, true]);
    const failed = results[1];
    if (failed?.available !== false) throw new Error("expected an unavailable result");
    expect(failed.host).toBe("node-b");
    expect(failed.reason).toBe(
      "node node-b: bpftrace failed before attaching (exit code 1): ERROR: Could not resolve symbol: /proc/self/exe:BEGIN_trigger",
    );
    expect(failed.diagnostics?.stderr).toBe("ERROR: Could not resolve symbol: /proc/self/exe:BEGIN_trigger");
    expect(failed.diagnostics?.exitCode).toBe(1);
  });

  it("gives up on a probe that does not attach in time, saying why, without failing", async () => {
    const { pods, options, finishAll } = await cluster((p) =>
      p.node === "node-a"
        ? (a, pod) => {
            const state = a.pods.get(`${ns}/${pod.pod}`);
            if (state)
              state.pod.status = {
                phase: "Pending",
                conditions: [
                  {
                    type: "PodScheduled",
                    status: "False",
                    reason: "Unschedulable",
                    message: "0/2 nodes are available: 1 Insufficient memory.",
                  },
                ],
              };
          }
        : attach,
    );
    const started = Date.now();
    const session = await startNodeProbes(options({ attachTimeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    const results = await stopThenFinish(
      () => session.stop(),
      () => finishAll(pods.filter((p) => p.node === "node-b")),
    );
    expect(results.map((r) => [r.host, r.available])).toEqual([
      ["node-a", false],
      ["node-b", true],
      ["node-a", false],
      ["node-b", true],
    ]);
    const reason = results[0]?.available === false ? results[0].reason : "";
    expect(reason).toBe(
      "node node-a: bpftrace did not attach within 0.2 s (pod Pending, not scheduled: Unschedulable: 0/2 nodes are available: 1 Insufficient memory.)",
    );
  });

  it("says when a Job never got a pod", async () => {
    const { api, options } = await cluster(() => (a, p) => a.pods.delete(`${ns}/${p.pod}`));
    const session = await startNodeProbes(options({ probes: ["tcp_rtt"], nodes: ["node-a"], attachTimeoutMs: 50 }));
    const [result] = await session.stop();
    expect(result?.available === false && result.reason).toMatch(
      /did not attach .*no pod was created for Job meshbench-probe-tcp-rtt-/,
    );
    expect(api.objects.size).toBe(0);
  });

  it("marks a probe that ended before stop() as covering only part of the window", async () => {
    const { options, finishAll } = await cluster();
    const session = await startNodeProbes(options({ probes: ["runqlat"], nodes: ["node-a"] }));
    finishAll();
    const [result] = await session.stop();
    if (!result?.available) throw new Error("expected a measured result");
    expect(result.complete).toBe(false);
    expect(result.warnings.join("\n")).toMatch(/ended before the load did/);
  });

  it("reads what a probe wrote when it does not end within the grace, and deletes it", async () => {
    const { api, pods, options } = await cluster();
    const session = await startNodeProbes(
      options({ probes: ["tcp_rtt"], nodes: ["node-b"], durationSeconds: 1, stopGraceMs: 100 }),
    );
    // Still running, with all but the END marker written.
    const p = pods[0];
    if (p) api.setPodLog(ns, p.pod, recorded("tcp_rtt").replace(/.*meshbench:end.*\n/, ""));
    const [result] = await session.stop();
    if (!result?.available) throw new Error("expected a measured result");
    expect(result.complete).toBe(false);
    expect(result.diagnostics.exitCode).toBeNull();
    expect(result.warnings.join("\n")).toMatch(/had not ended 0.1 s after its deadline/);
    expect(api.objects.size).toBe(0);
  });

  it("stops waiting at once when the run is cancelled", async () => {
    const controller = new AbortController();
    // Every probe's Job is created and its pod ready, but bpftrace never attaches; the cancel comes
    // then (not after a fixed delay, which a loaded machine could outrun before the Jobs exist).
    let readyPods = 0;
    const { api, options } = await cluster(() => (a, p) => {
      a.setPodReady(ns, p.pod);
      if (++readyPods === 4) setTimeout(() => controller.abort(), 20);
    });
    const started = Date.now();
    const session = await startNodeProbes(options({ signal: controller.signal, attachTimeoutMs: 60_000 }));
    const results = await session.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(results.map((r) => r.available === false && r.reason)).toEqual([
      "node node-a: cancelled before bpftrace attached",
      "node node-b: cancelled before bpftrace attached",
      "node node-a: cancelled before bpftrace attached",
      "node node-b: cancelled before bpftrace attached",
    ]);
    expect(api.objects.size).toBe(0);
  });

  it("reports probes as unavailable when there is no node to trace", async () => {
    const { api, options } = await cluster();
    const session = await startNodeProbes(options({ nodes: [] }));
    const results = await session.stop();
    expect(results.map((r) => [r.probe, r.available])).toEqual([
      ["runqlat", false],
      ["tcp_rtt", false],
    ]);
    expect(api.requests).toEqual([]);
  });
});
