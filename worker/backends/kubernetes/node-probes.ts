import { setTimeout as sleep } from "node:timers/promises";
import type { BatchV1Api, CoreV1Api, V1ConfigMap, V1ContainerStateTerminated, V1Job, V1Pod } from "@kubernetes/client-node";
import type { ProbeDiagnostics, ProbeName, ProbeRunResult, ProbeScope } from "~/core/probes";
import { asBody, statusCode } from "~/server/cluster/client-node";
import type { ProbeSession } from "~/worker/jobs/probe-session";
import { collectProbeLog, type ProbeCollector } from "~/worker/probes/collect";
import { type ProbeKubernetesObjects, type ProbeKubernetesOptions, probeKubernetesObjects } from "~/worker/probes/kubernetes";
import { measuredResult, type ResultBase, type SessionOutcome, unavailableResult } from "~/worker/probes/result";
import { cleanStderr } from "~/worker/probes/session";
import type { ProbeSample } from "~/worker/probes/types";

/**
 * eBPF probes on cluster nodes (issue 7): one bpftrace Job (probeKubernetesObjects) per probe per
 * node, in the run's namespace. startNodeProbes resolves once every probe has attached (its log
 * shows the BEGIN marker) or been given up on, so the caller starts the load after it. Each
 * program stops itself after durationSeconds; stop() waits for that, reads the pod logs with the
 * same collector as the local runner, and deletes the Jobs and ConfigMaps (the namespace's
 * deletion is the backstop). Never throws and never fails the benchmark: a probe that cannot run
 * on a node yields an "unavailable" result saying which node and why.
 */
export const BPFTRACE_CONTAINER = "bpftrace";

export interface NodeProbesOptions {
  core: CoreV1Api;
  batch: BatchV1Api;
  /** The run's namespace (it must exist). */
  namespace: string;
  runId: string;
  iteration: number;
  probes: readonly ProbeName[];
  /** Nodes to trace, e.g. those hosting the client and the server pods. */
  nodes: readonly string[];
  /** Each bpftrace program exits by itself this long after it started: the measured window plus a margin. */
  durationSeconds: number;
  /** bpftrace image (default DEFAULT_BPFTRACE_IMAGE). */
  image?: string;
  /** How long a probe may take to be scheduled, pulled, compiled and attached. Default 120 s. */
  attachTimeoutMs?: number;
  /** How long past its own deadline a probe may take to end before stop() gives up on it. Default 20 s. */
  stopGraceMs?: number;
  /** How often pods are polled. Default 1 s. */
  pollIntervalMs?: number;
  /** Whole seconds per sample (default 1). */
  intervalSeconds?: number;
  /** Node name → Kubernetes architecture (node.status.nodeInfo.architecture); syscall names need it. Default amd64. */
  architectures?: Readonly<Record<string, string>>;
  /** Passed on to probeKubernetesObjects. */
  objects?: Pick<ProbeKubernetesOptions, "pinning" | "privileged" | "startupGraceSeconds" | "ttlSecondsAfterFinished">;
  /** Aborting stops any waiting at once; stop() then returns what it can without waiting. */
  signal: AbortSignal;
  log: (message: string) => void;
  /** Per-interval samples, delivered when stop() reads the logs (not live), with the node they came from. */
  onSample?: (sample: ProbeSample, node: string) => void;
}

interface Target {
  probe: ProbeName;
  node: string;
  base: ResultBase;
  objects: ProbeKubernetesObjects | null;
  /** Set when the probe will not deliver: the result's reason. */
  failed: { reason: string; diagnostics: ProbeDiagnostics | null } | null;
  attachedAtMs: number | null;
  /** What we last saw of its pod, for the reason when it never attaches. */
  lastState: string;
}

const HOST_WIDE: ProbeScope = { hostWide: true, pids: [], comms: [], ports: [] };
/** Waiting reasons a pod does not recover from by itself. */
const PERMANENT_WAITING = new Set(["InvalidImageName", "ErrImageNeverPull"]);

export async function startNodeProbes(options: NodeProbesOptions): Promise<ProbeSession> {
  const probes = [...new Set(options.probes)];
  const nodes = [...new Set(options.nodes)];
  if (probes.length === 0) return { stop: async () => [] };
  if (nodes.length === 0) {
    const reason = "no node to probe: the nodes of the client and server pods are not known";
    options.log(`node probes: ${reason}`);
    const results = probes.map((probe) =>
      unavailableResult({ probe, host: "(unknown node)", scope: HOST_WIDE, startedAt: new Date() }, reason),
    );
    return { stop: async () => results };
  }
  return new NodeProbes(options, probes, nodes).start();
}

class NodeProbes {
  private readonly targets: Target[] = [];
  private readonly pollMs: number;
  private readonly intervalSeconds: number;
  private readonly selector: string;
  private stopping: Promise<ProbeRunResult[]> | null = null;

  constructor(
    private readonly options: NodeProbesOptions,
    probes: readonly ProbeName[],
    nodes: readonly string[],
  ) {
    this.pollMs = options.pollIntervalMs ?? 1_000;
    this.intervalSeconds = options.intervalSeconds ?? 1;
    // Results come out by probe, then node.
    for (const probe of probes) {
      for (const node of nodes) {
        const target: Target = {
          probe,
          node,
          base: { probe, host: node, scope: HOST_WIDE, startedAt: new Date() },
          objects: null,
          failed: null,
          attachedAtMs: null,
          lastState: "no pod yet",
        };
        try {
          target.objects = probeKubernetesObjects({
            ...options.objects,
            probe,
            runId: options.runId,
            iteration: options.iteration,
            nodeName: node,
            durationSeconds: options.durationSeconds,
            namespace: options.namespace,
            intervalSeconds: this.intervalSeconds,
            ...(options.image ? { image: options.image } : {}),
          });
        } catch (error) {
          target.failed = { reason: `node ${node}: ${message(error)}`, diagnostics: null };
        }
        this.targets.push(target);
      }
    }
    const any = this.targets.find((t) => t.objects)?.objects;
    this.selector = any ? `${any.selector},meshbench.io/iteration=${options.iteration}` : "";
  }

  async start(): Promise<ProbeSession> {
    const { namespace, core, batch, signal } = this.options;
    for (const t of this.targets) {
      if (!t.objects || t.failed) continue;
      if (signal.aborted) {
        t.failed = { reason: `node ${t.node}: cancelled before the probe started`, diagnostics: null };
        continue;
      }
      t.base.startedAt = new Date();
      try {
        await core.createNamespacedConfigMap({ namespace, body: asBody<V1ConfigMap>(t.objects.configMap) });
        await batch.createNamespacedJob({ namespace, body: asBody<V1Job>(t.objects.job) });
      } catch (error) {
        t.failed = {
          reason: `node ${t.node}: could not create the probe's ConfigMap and Job: ${apiFailure(error)}`,
          diagnostics: null,
        };
      }
    }
    await this.waitAttached();
    // A probe given up on must not start tracing later, in the middle of the load.
    const givenUp = this.targets.filter((t) => t.failed && t.objects);
    for (const t of givenUp) this.options.log(`node probes: ${t.probe} unavailable: ${t.failed?.reason}`);
    await this.deleteObjects(givenUp);
    this.logAttached();
    return { stop: () => this.stop() };
  }

  private pending(): Target[] {
    return this.targets.filter((t) => !t.failed && t.attachedAtMs === null);
  }

  private async waitAttached(): Promise<void> {
    const timeoutMs = this.options.attachTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    while (this.pending().length > 0) {
      if (this.options.signal.aborted) {
        for (const t of this.pending())
          t.failed = { reason: `node ${t.node}: cancelled before bpftrace attached`, diagnostics: null };
        return;
      }
      const pods = await this.listPods();
      for (const t of this.pending()) {
        if (pods.ok) await this.checkAttach(t, pods.byJob.get(jobName(t)));
        else t.lastState = pods.error;
      }
      if (this.pending().length === 0) return;
      if (Date.now() + this.pollMs > deadline) {
        for (const t of this.pending()) {
          const state = t.lastState === "no pod yet" ? await this.noPodReason(t) : t.lastState;
          t.failed = {
            reason: `node ${t.node}: bpftrace did not attach within ${seconds(timeoutMs)} (${state})`,
            diagnostics: null,
          };
        }
        return;
      }
      await this.pause();
    }
  }

  /** One look at a pending probe's pod: attached, failed, or still on its way. */
  private async checkAttach(t: Target, pod: V1Pod | undefined): Promise<void> {
    if (!pod) return;
    const container = pod.status?.containerStatuses?.find((c) => c.name === BPFTRACE_CONTAINER);
    const terminated = container?.state?.terminated;
    if (terminated || container?.state?.running) {
      const log = await this.readLog(pod);
      const collector = log.ok ? collectProbeLog(t.probe, log.text, { intervalSeconds: this.intervalSeconds }) : null;
      if (collector?.stats.begun) {
        t.attachedAtMs = Date.now();
        return;
      }
      if (terminated) {
        t.failed = {
          reason: `node ${t.node}: ${describeTermination(terminated, "before attaching")}`,
          diagnostics: this.diagnostics(t, collector, terminated),
        };
        return;
      }
      t.lastState = log.ok ? "bpftrace is running but has not attached yet (compiling or attaching)" : log.error;
      return;
    }
    t.lastState = describePod(pod);
    const waiting = container?.state?.waiting;
    if (pod.status?.phase === "Failed" || (waiting?.reason && PERMANENT_WAITING.has(waiting.reason)))
      t.failed = { reason: `node ${t.node}: ${t.lastState}`, diagnostics: null };
  }

  private logAttached(): void {
    const attached = this.targets.filter((t) => t.attachedAtMs !== null);
    const first = Math.min(...attached.map((t) => t.attachedAtMs ?? Number.POSITIVE_INFINITY));
    const skew = attached.length > 0 ? (Date.now() - first) / 1000 : 0;
    this.options.log(
      `node probes: ${attached.length}/${this.targets.length} attached on ${[...new Set(this.targets.map((t) => t.node))].join(", ")}` +
        (skew >= 1 ? `; the first attached ${skew.toFixed(0)} s ago and ends that much earlier` : ""),
    );
  }

  stop(): Promise<ProbeRunResult[]> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<ProbeRunResult[]> {
    const stopAtMs = Date.now();
    const graceMs = this.options.stopGraceMs ?? 20_000;
    const attached = this.targets.filter((t) => !t.failed && t.attachedAtMs !== null);
    const last = new Map<Target, V1Pod>();
    const runningAtStop = new Set<Target>();
    let waiting = attached;
    let first = true;
    while (waiting.length > 0) {
      const pods = await this.listPods();
      if (pods.ok) {
        for (const t of waiting) {
          const pod = pods.byJob.get(jobName(t));
          if (pod) last.set(t, pod);
          if (first && !(pod && terminatedOf(pod))) runningAtStop.add(t);
        }
        first = false;
      }
      waiting = waiting.filter((t) => {
        const pod = last.get(t);
        if (pod && terminatedOf(pod)) return false;
        const ends = Math.max((t.attachedAtMs ?? stopAtMs) + this.options.durationSeconds * 1000, stopAtMs) + graceMs;
        return Date.now() + this.pollMs <= ends;
      });
      if (waiting.length === 0 || this.options.signal.aborted) break;
      await this.pause();
    }

    const results: ProbeRunResult[] = [];
    for (const t of this.targets) {
      if (t.failed || t.attachedAtMs === null) {
        results.push(
          unavailableResult(t.base, t.failed?.reason ?? `node ${t.node}: not attached`, t.failed?.diagnostics ?? null),
        );
        continue;
      }
      try {
        results.push(await this.result(t, last.get(t), runningAtStop.has(t)));
      } catch (error) {
        results.push(unavailableResult(t.base, `node ${t.node}: probe runner error: ${message(error)}`));
      }
    }
    await this.deleteObjects(this.targets.filter((t) => t.objects));
    return results;
  }

  private async result(t: Target, pod: V1Pod | undefined, runningAtStop: boolean): Promise<ProbeRunResult> {
    const cancelled = this.options.signal.aborted;
    if (!pod) return unavailableResult(t.base, `node ${t.node}: the probe's pod is gone${cancelled ? " (cancelled)" : ""}`);
    const log = await this.readLog(pod);
    if (!log.ok) return unavailableResult(t.base, `node ${t.node}: ${log.error}`);
    const terminated = terminatedOf(pod);
    const collector = collectProbeLog(t.probe, log.text, {
      intervalSeconds: this.intervalSeconds,
      arch: archName(this.options.architectures?.[t.node]),
      onSample: this.options.onSample ? (sample) => this.options.onSample?.(sample, t.node) : undefined,
      log: (m) => this.options.log(`node probes: ${t.node}: ${m}`),
    });
    const diagnostics = this.diagnostics(t, collector, terminated);
    const failure = terminated
      ? describeTermination(terminated, "")
      : cancelled
        ? "cancelled while bpftrace was running"
        : `bpftrace had not ended ${seconds(this.options.stopGraceMs ?? 20_000)} after its deadline (its log was read while it ran; its Job is deleted)`;
    if (!collector.stats.begun || collector.intervalCount === 0)
      return unavailableResult(t.base, `node ${t.node}: bpftrace produced no data (${failure})`, diagnostics);
    const outcome: SessionOutcome = {
      intervalSeconds: this.intervalSeconds,
      // Its own deadline is how a node probe is stopped: "by us" when it was still running as the load ended.
      stoppedByUs: runningAtStop && terminated?.exitCode === 0,
      exitCode: terminated?.exitCode ?? null,
      failure,
      cpuSeconds: null,
      cpuWindowS: 0,
      bpf: null,
      warnings: [],
      diagnostics,
    };
    const result = measuredResult(t.base, collector, outcome);
    if (terminated?.exitCode === 0 && collector.stats.ended && !runningAtStop && !cancelled) {
      result.complete = false;
      result.warnings.push(
        `the probe on node ${t.node} ended before the load did (it attached before the other probes, or durationSeconds ` +
          "leaves too little margin): it covers only part of the measured window",
      );
    }
    if (cancelled) {
      result.complete = false;
      result.warnings.push("cancelled before the probe ended");
    }
    return result;
  }

  private diagnostics(
    t: Target,
    collector: ProbeCollector | null,
    terminated: V1ContainerStateTerminated | undefined,
  ): ProbeDiagnostics {
    const stats = collector?.stats;
    return {
      program: t.objects?.program ?? "",
      attachedProbes: stats?.attachedProbes ?? null,
      lostEvents: stats?.lostEvents ?? 0,
      helperErrors: stats?.helperErrors ?? 0,
      unknownRecords: stats?.unknownRecords ?? [],
      // The Job sends bpftrace's stderr to the termination message.
      stderr: cleanStderr(terminated?.message ?? ""),
      exitCode: terminated?.exitCode ?? null,
      signal: terminated?.signal ? `signal ${terminated.signal}` : null,
    };
  }

  private async listPods(): Promise<{ ok: true; byJob: Map<string, V1Pod> } | { ok: false; error: string }> {
    try {
      const list = await this.options.core.listNamespacedPod({ namespace: this.options.namespace, labelSelector: this.selector });
      const byJob = new Map<string, V1Pod>();
      for (const pod of list.items) {
        const labels = pod.metadata?.labels ?? {};
        const job = labels["batch.kubernetes.io/job-name"] ?? labels["job-name"];
        if (!job) continue;
        const seen = byJob.get(job);
        // A Job with backoffLimit 0 has one pod; should there be more, the newest one counts.
        if (!seen || created(pod) >= created(seen)) byJob.set(job, pod);
      }
      return { ok: true, byJob };
    } catch (error) {
      return { ok: false, error: `listing the probe pods failed: ${apiFailure(error)}` };
    }
  }

  private async readLog(pod: V1Pod): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
    const name = pod.metadata?.name ?? "";
    try {
      const text = await this.options.core.readNamespacedPodLog({
        namespace: this.options.namespace,
        name,
        container: BPFTRACE_CONTAINER,
      });
      return { ok: true, text: typeof text === "string" ? text : String(text ?? "") };
    } catch (error) {
      return { ok: false, error: `reading the log of pod ${name} failed: ${apiFailure(error)}` };
    }
  }

  /** Why a Job has no pod: its Failed condition if any, else the usual suspects. */
  private async noPodReason(t: Target): Promise<string> {
    const name = jobName(t);
    try {
      const job = await this.options.batch.readNamespacedJob({ namespace: this.options.namespace, name });
      const failed = job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
      if (failed) return `Job ${name} failed: ${[failed.reason, failed.message].filter(Boolean).join(": ")}`;
    } catch {
      // The reason below is still right.
    }
    return (
      `no pod was created for Job ${name}: admission (Pod Security refuses privileged, hostPID pods unless the ` +
      "namespace allows them), a quota or a webhook may have refused it; see the Job's events"
    );
  }

  private async deleteObjects(targets: readonly Target[]): Promise<void> {
    const { core, batch, namespace } = this.options;
    for (const t of targets) {
      const objects = t.objects;
      if (!objects) continue;
      const name = objects.job.metadata.name;
      await batch
        .deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" })
        .catch((error: unknown) => this.deleteFailed(`Job ${name}`, error));
      await core
        .deleteNamespacedConfigMap({ namespace, name: objects.configMap.metadata.name })
        .catch((error: unknown) => this.deleteFailed(`ConfigMap ${name}`, error));
    }
  }

  private deleteFailed(what: string, error: unknown): void {
    // Gone already, or the namespace is going (cancelled run): its deletion removes the rest.
    if (statusCode(error) === 404 || this.options.signal.aborted) return;
    this.options.log(`node probes: deleting ${what}: ${apiFailure(error)}`);
  }

  private async pause(): Promise<void> {
    await sleep(this.pollMs, undefined, { signal: this.options.signal }).catch(() => {});
  }
}

function jobName(t: Target): string {
  return t.objects?.job.metadata.name ?? "";
}

function terminatedOf(pod: V1Pod): V1ContainerStateTerminated | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === BPFTRACE_CONTAINER)?.state?.terminated;
}

function created(pod: V1Pod): number {
  const at = pod.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

/** "bpftrace failed before attaching (exit code 1): ERROR: …", from the container's status and termination message. */
function describeTermination(terminated: V1ContainerStateTerminated, when: string): string {
  const stderr = cleanStderr(terminated.message ?? "");
  const lines = stderr.split("\n").filter((l) => l.trim() !== "");
  const errors = lines.filter((l) => /error|fail|not found|denied|not permitted/i.test(l));
  const shown = (errors.length > 0 ? errors : lines).slice(-3).join(" | ");
  const reason = terminated.reason && !["Error", "Completed"].includes(terminated.reason) ? `, ${terminated.reason}` : "";
  const status = terminated.signal ? `killed by signal ${terminated.signal}` : `exit code ${terminated.exitCode}`;
  const verb = terminated.exitCode === 0 && !terminated.signal ? "exited" : "failed";
  const head = `bpftrace ${verb}${when ? ` ${when}` : ""} (${status}${reason})`;
  return shown ? `${head}: ${truncate(shown, 600)}` : head;
}

/** What a pod that has not started bpftrace is doing: its phase, scheduling or waiting reason. */
function describePod(pod: V1Pod): string {
  const phase = pod.status?.phase ?? "Unknown";
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) return `pod ${phase}, not scheduled: ${[unscheduled.reason, unscheduled.message].filter(Boolean).join(": ")}`;
  const waiting = pod.status?.containerStatuses?.find((c) => c.name === BPFTRACE_CONTAINER)?.state?.waiting;
  if (waiting?.reason) return `pod ${phase}, container waiting: ${[waiting.reason, waiting.message].filter(Boolean).join(": ")}`;
  const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(": ");
  return `pod ${phase}${why ? `: ${why}` : ""}`;
}

/** Kubernetes architecture names → the names the probe interpreters use (syscall numbering). */
function archName(kubernetesArch: string | undefined): string {
  if (!kubernetesArch || kubernetesArch === "amd64") return "x86_64";
  if (kubernetesArch === "arm64") return "aarch64";
  return kubernetesArch;
}

function seconds(ms: number): string {
  return `${ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10} s`;
}

function apiFailure(error: unknown): string {
  const code = statusCode(error);
  return `${code ? `HTTP ${code}: ` : ""}${truncate(message(error), 300)}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars)}…` : text;
}
