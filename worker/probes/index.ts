/**
 * eBPF probes (issue 5): the worker-side API.
 * - startProbe / runProbeFor: run a probe locally with bpftrace (benchmark iterations, standalone jobs);
 * - detectCapabilities: can this machine run them, and if not, why;
 * - probeKubernetesObjects + collectProbeLog: run one on a cluster node and read its pod log;
 * - PROBE_DEFINITIONS: programs and interpretation; metadata and result types are in core/probes.
 */
export { type Capability, type CapabilityOptions, detectCapabilities } from "./capabilities";
export { PROBE_DEFINITIONS } from "./catalog";
export { type CollectorOptions, collectProbeLog, ProbeCollector } from "./collect";
export {
  DEFAULT_BPFTRACE_IMAGE,
  type ProbeKubernetesObjects,
  type ProbeKubernetesOptions,
  probeKubernetesObjects,
} from "./kubernetes";
export { type ProbeHandle, runProbeFor, type StartProbeOptions, startProbe } from "./runner";
export type { ProbeSample, ProbeScopeInput, SampleCounter, SampleHistogram } from "./types";
