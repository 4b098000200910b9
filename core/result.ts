/**
 * What one repetition of a benchmark produced, whichever backend ran it.
 * Latencies are in microseconds; the histogram is HDR, compressed (hdr-histogram-js encoding).
 */
export interface ComponentUsage {
  /** e.g. "loadgen", "upstream", "proxy-client", "proxy-server" */
  component: string;
  role: "loadgen" | "app" | "proxy" | "control-plane";
  /** Mean CPU cores used over the measurement window; null when it could not be measured. */
  cpuCores: number | null;
  /**
   * Peak resident memory in bytes; null when it could not be measured. On Kubernetes: the peak
   * cAdvisor working set (container_memory_working_set_bytes) of the component's largest container.
   */
  maxRssBytes: number | null;
}

export interface LatencySummary {
  minUs: number;
  meanUs: number;
  maxUs: number;
  p50Us: number;
  p75Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
}

export interface IterationResult {
  iteration: number;
  /** null for max-throughput runs */
  requestedQps: number | null;
  actualQps: number;
  /** Successful responses in the measurement window (warm-up excluded). */
  count: number;
  /** Failed requests by kind, e.g. { timeout: 3, "http_503": 12 }. */
  errors: Record<string, number>;
  latency: LatencySummary | null;
  /** Compressed HDR histogram of latency in µs (base64 text as produced by hdr-histogram-js). */
  histogram: string;
  /** Completions per second of the measurement window, for rate accuracy. */
  perSecond: number[];
  measuredSeconds: number;
  components: ComponentUsage[];
  startedAt: Date;
  finishedAt: Date;
}
