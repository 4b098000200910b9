import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { ProbeName } from "~/core/probes";
import { buildProbeProgram } from "./build";
import type { ProbeScopeInput } from "./types";

/**
 * The Kubernetes objects that run one probe on one node: a ConfigMap with the bpftrace program
 * and a Job pinned to the node. Pure: the cluster backend creates them, then reads the pod's log
 * (bpftrace's JSON on stdout; stderr goes to the termination message) with collectProbeLog.
 *
 * The program stops itself after the duration (its END block flushes the last interval), and
 * activeDeadlineSeconds is the backstop for a pod that hangs while pulling or compiling.
 */
/**
 * The bpftrace project stopped publishing container images (bpftrace/bpftrace issue 3514); its last
 * one, bpftrace v0.19.0, stays at :latest. BPFTRACE_IMAGE points the probes at a newer one (e.g. an
 * image with the distribution's bpftrace).
 */
export const DEFAULT_BPFTRACE_IMAGE = "quay.io/iovisor/bpftrace:latest";
/** Where bpftrace writes kprobe/uprobe events when the kernel has no perf-based attachment: writable. */
const WRITABLE_HOST_PATHS = new Set(["/sys/kernel/tracing", "/sys/kernel/debug"]);
export const PROBE_MANAGED_BY = "meshbench";
const PROGRAM_DIR = "/etc/meshbench";
const PROGRAM_FILE = "probe.bt";
/** Pod-level opt-outs of each mesh's automatic enrolment (Istio sidecar and ambient, Linkerd, Consul). */
const MESH_OPT_OUT = {
  labels: { "sidecar.istio.io/inject": "false", "istio.io/dataplane-mode": "none" },
  annotations: { "linkerd.io/inject": "disabled", "consul.hashicorp.com/connect-inject": "false" },
};

export interface ProbeKubernetesOptions extends ProbeScopeInput {
  probe: ProbeName;
  runId: string;
  /** The benchmark iteration, so each iteration's objects have their own names (and a label to select them). */
  iteration?: number;
  /** metadata.name of the node to trace. */
  nodeName: string;
  durationSeconds: number;
  namespace?: string;
  image?: string;
  intervalSeconds?: number;
  /** affinity (default): scheduled normally onto that node; nodeName: bypasses the scheduler. */
  pinning?: "affinity" | "nodeName";
  /** privileged (default) or just the capabilities bpftrace needs (kernel ≥ 5.8 for CAP_BPF/CAP_PERFMON). */
  privileged?: boolean;
  /** Time allowed for image pull and compilation on top of the duration (default 180 s). */
  startupGraceSeconds?: number;
  ttlSecondsAfterFinished?: number;
}

export interface ProbeKubernetesObjects {
  configMap: IConfigMap & { metadata: { name: string } };
  job: IJob & { metadata: { name: string } };
  program: string;
  /** Label selector for everything MeshBench created for this run's probes. */
  selector: string;
}

export function probeKubernetesObjects(options: ProbeKubernetesOptions): ProbeKubernetesObjects {
  const { probe, runId, nodeName } = options;
  if (!Number.isInteger(options.durationSeconds) || options.durationSeconds < 1)
    throw new Error("durationSeconds must be a whole number ≥ 1");
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(nodeName)) throw new Error(`invalid node name ${JSON.stringify(nodeName)}`);
  const build = buildProbeProgram(probe, {
    ...options,
    intervalSeconds: options.intervalSeconds ?? 1,
    maxSeconds: options.durationSeconds,
  });
  if (!build.ok) throw new Error(`invalid probe options: ${build.error}`);
  const { program, env } = build.built;

  const { iteration } = options;
  if (iteration !== undefined && (!Number.isInteger(iteration) || iteration < 0))
    throw new Error("iteration must be a whole number ≥ 0");
  const key = `${runId}/${nodeName}/${probe}${iteration === undefined ? "" : `/${iteration}`}`;
  const name = `meshbench-probe-${probe.replaceAll("_", "-")}-${hash(key)}`;
  const runLabel = labelValue(runId);
  const labels = {
    "app.kubernetes.io/name": "meshbench-probe",
    "app.kubernetes.io/component": "probe",
    "app.kubernetes.io/managed-by": PROBE_MANAGED_BY,
    "meshbench.io/run-id": runLabel,
    "meshbench.io/probe": probe.replaceAll("_", "-"),
    ...(iteration === undefined ? {} : { "meshbench.io/iteration": String(iteration) }),
  };
  const annotations = { "meshbench.io/run-id": runId, "meshbench.io/node": nodeName, "meshbench.io/probe": probe };
  const metadata = { name, labels, annotations, ...(options.namespace ? { namespace: options.namespace } : {}) };
  const privileged = options.privileged ?? true;

  const hostPaths = [
    { name: "sys-kernel-tracing", path: "/sys/kernel/tracing" },
    { name: "sys-kernel-debug", path: "/sys/kernel/debug" },
    { name: "sys-fs-bpf", path: "/sys/fs/bpf" },
    // Kernel headers, only used by bpftrace when the kernel has no BTF.
    { name: "lib-modules", path: "/lib/modules" },
    { name: "usr-src", path: "/usr/src" },
  ];
  // Mount tracefs if the node has not (privileged only), send stderr to the termination message
  // so the log is bpftrace's JSON alone.
  const script = [
    privileged ? "mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || true" : null,
    `exec bpftrace -f json ${PROGRAM_DIR}/${PROGRAM_FILE} 2>/dev/termination-log`,
  ]
    .filter((line) => line !== null)
    .join("\n");

  const job: ProbeKubernetesObjects["job"] = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.durationSeconds + (options.startupGraceSeconds ?? 180),
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? 3600,
      template: {
        // The run's namespace may enrol every pod in a mesh: a tracer must not get a proxy of its own.
        metadata: { labels: { ...labels, ...MESH_OPT_OUT.labels }, annotations: MESH_OPT_OUT.annotations },
        spec: {
          restartPolicy: "Never",
          // Host pids: so pid scoping means the node's processes, and comm/pid in results are real.
          hostPID: true,
          ...(options.pinning === "nodeName"
            ? { nodeName }
            : {
                affinity: {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
                    },
                  },
                },
              }),
          // The node to measure may be tainted (control plane, dedicated pools): go anyway.
          tolerations: [{ operator: "Exists" }],
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: "bpftrace",
              image: options.image ?? DEFAULT_BPFTRACE_IMAGE,
              command: ["/bin/sh", "-c", script],
              env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
              securityContext: privileged
                ? { privileged: true }
                : { privileged: false, capabilities: { add: ["BPF", "PERFMON", "SYS_ADMIN", "SYS_RESOURCE"] } },
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
              terminationMessagePolicy: "File",
              volumeMounts: [
                { name: "program", mountPath: PROGRAM_DIR, readOnly: true },
                ...hostPaths.map((h) => ({ name: h.name, mountPath: h.path, readOnly: !WRITABLE_HOST_PATHS.has(h.path) })),
              ],
            },
          ],
          volumes: [
            { name: "program", configMap: { name } },
            ...hostPaths.map((h) => ({ name: h.name, hostPath: { path: h.path } })),
          ],
        },
      },
    },
  };

  return {
    configMap: { apiVersion: "v1", kind: "ConfigMap", metadata, data: { [PROGRAM_FILE]: program } },
    job,
    program,
    selector: `app.kubernetes.io/managed-by=${PROBE_MANAGED_BY},meshbench.io/run-id=${runLabel}`,
  };
}

/** A label value (≤ 63 chars, alphanumeric ends, [-_.] inside); anything else is hashed. */
function labelValue(value: string): string {
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value) ? value : `h-${hash(value)}`;
}

/** FNV-1a, 32 bit, as 8 hex digits: short stable names, no crypto needed. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
