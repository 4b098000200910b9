import type { ComparedRun } from "../compare";
import { KEY_PERCENTILE_NAMES, type KeyPercentile } from "../verdict";
import type { JsonObject } from "./json";

/**
 * Runs in Bencher's metric format (BMF JSON: `{benchmark: {measure: {value, lower_value,
 * upper_value}}}`), for teams that track results in Bencher (`bencher run --adapter json`). Pure.
 *
 * A benchmark is what stays the same from one run to the next, so it is named after the profile
 * and the load (`meshbench/nginx/fixed-rate-1000rps/16conn/1024B`), not the run: Bencher then
 * plots every run of that setup as one series. Latencies are in nanoseconds, the unit of Bencher's
 * built-in `latency` measure; `throughput` is requests per second. lower/upper are MeshBench's
 * 95% bootstrap interval, and are left out when there is none (e.g. a rate over one repetition).
 */

const MEASURE: Record<KeyPercentile, string> = { p50: "latency-p50", p99: "latency-p99", p999: "latency-p99-9" };

/** The benchmark name of a run's setup; without a parsable spec, the profile and the run's id. */
export function bmfBenchmarkName(run: ComparedRun): string {
  const spec = run.spec;
  if (!spec) return `meshbench/${run.mesh}/run-${run.id}`;
  const load = spec.mode === "fixed-rate" ? `fixed-rate-${spec.rate}rps` : "max";
  return `meshbench/${run.mesh}/${load}/${spec.connections}conn/${spec.payloadBytes}B`;
}

const usToNs = (us: number) => Math.round(us * 1000);

function metric(
  value: number | null,
  ci: { lo: number; hi: number } | null,
  scale: (v: number) => number,
): JsonObject | undefined {
  if (value === null || !Number.isFinite(value)) return undefined;
  return ci ? { value: scale(value), lower_value: scale(ci.lo), upper_value: scale(ci.hi) } : { value: scale(value) };
}

/** One benchmark per distinct setup; two runs of the same setup would collide, so a later one gets its id appended. */
export function runsBmf(runs: readonly ComparedRun[]): JsonObject {
  const out: JsonObject = {};
  for (const run of runs) {
    let name = bmfBenchmarkName(run);
    if (name in out) name = `${name}/run-${run.id}`;
    const measures: JsonObject = {};
    const mean = run.summary?.meanUs;
    if (mean !== undefined) measures.latency = { value: usToNs(mean) };
    for (const k of KEY_PERCENTILE_NAMES) {
      const m = metric(run.latency[k].value, run.latency[k].ci, usToNs);
      if (m) measures[MEASURE[k]] = m;
    }
    const throughput = metric(run.throughput.value, run.throughput.ci, (v) => v);
    if (throughput) measures.throughput = throughput;
    if (run.errorRate !== null) measures["error-rate"] = { value: run.errorRate };
    if (run.cpuUsPerRequest.total !== null) measures["cpu-us-per-request"] = { value: run.cpuUsPerRequest.total };
    if (Object.keys(measures).length > 0) out[name] = measures;
  }
  return out;
}
