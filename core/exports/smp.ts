import type { ComparedRun } from "../compare";
import type { MeshProfile } from "../meshes";
import type { RunEnvironment } from "../run-environment";
import { compact, type JsonObject, type JsonValue, round } from "./json";

/**
 * One run as the Service Mesh Performance (SMP) messages of the release vendored in vendor/smp/
 * (protos/service_mesh_performance.proto: PerformanceTestConfig, PerformanceTestResult,
 * ServiceMeshConfig, EnvironmentConfig). Pure. Fields MeshBench did not measure are left out
 * rather than guessed; ids are this run's own, so the result's test_id / mesh_config_id / env_id
 * point at the configs in the same document.
 *
 * Two spellings of the same messages: proto3 JSON (lowerCamelCase field names) and the proto's
 * own snake_case names, which Meshery writes in YAML. Enums are written by name (`PROTOCOL_HTTP`),
 * which proto3 JSON parsers accept in either spelling.
 */

/** The SMP release whose protos are vendored in vendor/smp/ (see its README). */
export const SMP_VERSION = "v0.6.1";

/**
 * SMP's ServiceMesh.Type of each profile; profiles without a mesh (baseline, the local proxy pairs)
 * claim none. Every profile is listed, so a new one cannot be exported without a decision here.
 */
export const SMP_MESH_TYPES: Record<MeshProfile, string | null> = {
  baseline: null,
  nginx: null,
  haproxy: null,
  istio: "ISTIO",
  "istio-ambient": "ISTIO",
  "istio-ambient-waypoint": "ISTIO",
  linkerd: "LINKERD",
  consul: "CONSUL",
  cilium: "CILIUM_SERVICE_MESH",
  "cilium-mutual-auth": "CILIUM_SERVICE_MESH",
};

/**
 * Profiles that put one proxy next to each workload: their proxies are SMP's `sidecar`. Ambient's
 * ztunnel and Cilium's Envoy are per node, so they appear only as individual workloads.
 */
const SIDECAR_PROFILES: ReadonlySet<string> = new Set(["istio", "linkerd", "consul", "nginx", "haproxy"]);

/** What MeshBench recorded about where a run ran; each part only when it was measured. */
export interface SmpEnvironment {
  /** URLs the load generator sent its requests to. */
  endpointUrls?: string[];
  /** The cluster's API server version (gitVersion), for Kubernetes runs. */
  kubernetesVersion?: string;
  /** The machines the run used: their machine type, cores, memory in bytes (each when known). */
  nodes?: { type?: string; cores?: number; memoryBytes?: number }[];
}

export interface SmpOptions {
  /** Absolute URL of the run's full-histogram export, which SMP's summary only points at. */
  detailsUri?: string;
  environment?: SmpEnvironment;
  /** "json": proto3 JSON names (lowerCamelCase); "proto": the .proto's snake_case names (YAML). */
  naming?: "json" | "proto";
}

const toMs = (us: number | undefined) => (us === undefined ? undefined : round(us / 1000, 4));
const toMb = (bytes: number) => Math.round(bytes / 1_000_000);
const toMcores = (cores: number) => Math.round(cores * 1000);

/** Sum of a figure over components, or undefined when any of them lacks it (a partial sum would understate). */
function sumOrUndefined(values: (number | null)[]): number | undefined {
  if (values.length === 0 || values.some((v) => v === null)) return undefined;
  return values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

function workloadGroup(resources: ComparedRun["resources"], rps: number | undefined): JsonObject | undefined {
  if (resources.length === 0) return undefined;
  const cpu = sumOrUndefined(resources.map((r) => r.cpuCores));
  const mem = sumOrUndefined(resources.map((r) => r.maxRssBytes));
  return compact({
    count: resources.length,
    cpu_mcores: cpu === undefined ? undefined : toMcores(cpu),
    mem_mb: mem === undefined ? undefined : toMb(mem),
    rps,
  });
}

/** The four messages with the proto's snake_case field names. */
function smpMessages(run: ComparedRun, options: SmpOptions): Record<string, JsonObject> {
  const labels = { meshbench_run: run.id, meshbench_profile: run.mesh, meshbench_backend: run.backend.toLowerCase() };
  const spec = run.spec;
  const env = options.environment ?? {};
  const testId = run.id;
  const meshConfigId = `${run.id}-mesh`;
  const envId = `${run.id}-env`;
  const s = run.summary;
  const rps = run.throughput.value === null ? undefined : Math.round(run.throughput.value);
  const meshType = run.mesh in SMP_MESH_TYPES ? SMP_MESH_TYPES[run.mesh as MeshProfile] : null;
  const proxies = run.resources.filter((r) => r.role === "proxy");
  const controlPlane = run.resources.filter((r) => r.role === "control-plane");
  const common = { smp_version: SMP_VERSION };
  return {
    performance_test_config: compact({
      ...common,
      id: testId,
      name: run.name,
      labels,
      clients: spec
        ? [
            compact({
              internal: true,
              load_generator: run.loadGenerator,
              protocol: "PROTOCOL_HTTP",
              connections: spec.connections,
              rps: spec.mode === "fixed-rate" ? spec.rate : undefined,
              endpoint_urls: env.endpointUrls && env.endpointUrls.length > 0 ? env.endpointUrls : undefined,
            }),
          ]
        : undefined,
      duration: spec ? `${spec.durationSeconds}s` : undefined,
    }),
    performance_test_result: compact({
      ...common,
      id: run.id,
      labels,
      start_time: run.startedAt?.toISOString(),
      end_time: run.finishedAt?.toISOString(),
      latencies_ms: s
        ? compact({
            min: toMs(s.minUs),
            average: toMs(s.meanUs),
            p50: toMs(s.p50Us),
            p90: toMs(s.p90Us),
            p99: toMs(s.p99Us),
            max: toMs(s.maxUs),
          })
        : undefined,
      actual_qps: run.throughput.value === null ? undefined : round(run.throughput.value, 2),
      details_uri: options.detailsUri,
      test_id: testId,
      mesh_config_id: meshConfigId,
      env_id: envId,
    }),
    service_mesh_config: compact({
      ...common,
      id: meshConfigId,
      labels,
      sidecar: SIDECAR_PROFILES.has(run.mesh) ? workloadGroup(proxies, rps) : undefined,
      mesh_control_plane: workloadGroup(controlPlane, undefined),
      profile: run.mesh,
      mesh_type: meshType ? { type: meshType } : undefined,
    }),
    environment_config: compact({
      ...common,
      id: envId,
      labels,
      kubernetes_version: env.kubernetesVersion,
      nodes:
        env.nodes && env.nodes.length > 0
          ? env.nodes.map((n) =>
              compact({
                type: n.type,
                cores: n.cores,
                mem_mb: n.memoryBytes === undefined ? undefined : toMb(n.memoryBytes),
              }),
            )
          : undefined,
      individual_workloads: run.resources.map((r) =>
        compact({
          name: r.component,
          count: 1,
          cpu_mcores: r.cpuCores === null ? undefined : toMcores(r.cpuCores),
          mem_mb: r.maxRssBytes === null ? undefined : toMb(r.maxRssBytes),
        }),
      ),
    }),
  };
}

/** Map fields: their keys are data (label names), not field names, and keep their spelling. */
const MAP_FIELDS: ReadonlySet<string> = new Set(["labels", "headers", "cookies", "annotations"]);

/** protoc's json_name: drop each underscore and upper-case the letter after it. */
export function protoJsonName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function toJsonNames(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(toJsonNames);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [protoJsonName(k), MAP_FIELDS.has(k) ? v : toJsonNames(v)]));
}

/**
 * The run's SMP document: an object holding one message of each type, keyed by the message's
 * name in the chosen spelling (performance_test_result / performanceTestResult, ...).
 */
export function smpDocument(run: ComparedRun, options: SmpOptions = {}): JsonObject {
  const messages: JsonObject = smpMessages(run, options);
  return options.naming === "json" ? (toJsonNames(messages) as JsonObject) : messages;
}

/** Which proto message each key of an SMP document holds (both spellings). */
export const SMP_DOCUMENT_MESSAGES: Record<string, string> = {
  performance_test_config: "smp.PerformanceTestConfig",
  performance_test_result: "smp.PerformanceTestResult",
  service_mesh_config: "smp.ServiceMeshConfig",
  environment_config: "smp.EnvironmentConfig",
  performanceTestConfig: "smp.PerformanceTestConfig",
  performanceTestResult: "smp.PerformanceTestResult",
  serviceMeshConfig: "smp.ServiceMeshConfig",
  environmentConfig: "smp.EnvironmentConfig",
};

/**
 * What MeshBench recorded about where a run ran (BenchmarkRun.environment). For a local run stored
 * before that was recorded, the core count of its placement is all there is.
 */
export function smpEnvironmentOf(run: ComparedRun, recorded: RunEnvironment | null): SmpEnvironment {
  if (!recorded) {
    const placement = run.interference?.placement;
    return run.backend === "LOCAL" && placement ? { nodes: [{ cores: placement.cpuCount }] } : {};
  }
  const orUndefined = <T>(v: T | null) => (v === null ? undefined : v);
  return {
    endpointUrls: recorded.targetUrl ? [recorded.targetUrl] : undefined,
    kubernetesVersion: orUndefined(recorded.kubernetesVersion),
    nodes: recorded.nodes.map((n) => ({
      type: orUndefined(n.instanceType),
      cores: n.cpuCores === null ? undefined : Math.round(n.cpuCores),
      memoryBytes: orUndefined(n.memoryBytes),
    })),
  };
}
