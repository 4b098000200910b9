import { Rng } from "~/bench/lib/rng";
import { syntheticLatencyHistogram } from "~/bench/lib/synthetic-histogram";
import { encodeHistogram, summarize } from "~/core/histogram";
import type { LatencySummary } from "~/core/result";

/**
 * The rows of the API bench's database: 10,000 runs shaped like real ones (status mix, meshes,
 * repetitions) and, for finished runs, one RunResult per repetition with a real encoded HDR
 * histogram drawn from a latency distribution. Deterministic (seeded), pure: no I/O.
 */
export const SEED_TAG = "bench seed v1";

export const RUN_COLUMNS = [
  "id",
  "name",
  "backend",
  "mesh",
  "spec",
  "status",
  "progress",
  "error",
  "createdById",
  "createdAt",
  "startedAt",
  "finishedAt",
  "p50Us",
  "p99Us",
  "actualQps",
  "requestCount",
  "errorCount",
] as const;

export const RESULT_COLUMNS = [
  "id",
  "runId",
  "iteration",
  "requestedQps",
  "actualQps",
  "count",
  "errors",
  "errorCount",
  "minUs",
  "meanUs",
  "maxUs",
  "p50Us",
  "p75Us",
  "p90Us",
  "p99Us",
  "p999Us",
  "histogram",
  "perSecond",
  "measuredSeconds",
  "components",
  "startedAt",
  "finishedAt",
] as const;

interface PooledHistogram {
  bytes: Buffer;
  summary: LatencySummary;
}

const STATUSES: [string, number][] = [
  ["SUCCEEDED", 0.92],
  ["FAILED", 0.04],
  ["CANCELLED", 0.02],
  ["RUNNING", 0.01],
  ["QUEUED", 0.01],
];
const MESHES = ["baseline", "nginx", "haproxy"] as const;

function weighted(rng: Rng, table: [string, number][]): string {
  let u = rng.next();
  for (const [value, p] of table) {
    if (u < p) return value;
    u -= p;
  }
  return table[0]?.[0] ?? "SUCCEEDED";
}

function cuidLike(rng: Rng): string {
  let s = "c";
  for (let i = 0; i < 24; i++) s += "0123456789abcdefghijklmnopqrstuvwxyz"[rng.int(0, 35)];
  return s;
}

function histogramPool(rng: Rng, size: number): PooledHistogram[] {
  const pool: PooledHistogram[] = [];
  for (let i = 0; i < size; i++) {
    const h = syntheticLatencyHistogram(rng, {
      samples: 20_000,
      medianUs: 80 + rng.next() * 1500,
      sigma: 0.15 + rng.next() * 0.8,
      tailFraction: rng.next() < 0.3 ? 0.002 : 0,
      tailMaxUs: 200_000,
    });
    const summary = summarize(h);
    if (!summary) throw new Error("empty synthetic histogram");
    pool.push({ bytes: Buffer.from(encodeHistogram(h), "base64"), summary });
  }
  return pool;
}

function components(mesh: string, rng: Rng): unknown[] {
  const usage = (component: string, role: string) => ({
    component,
    role,
    cpuCores: Math.round(rng.next() * 900) / 1000,
    maxRssBytes: rng.int(40, 160) * 1024 * 1024,
  });
  const base = [usage("loadgen", "loadgen"), usage("upstream", "app")];
  return mesh === "baseline" ? base : [...base, usage("proxy-client", "proxy"), usage("proxy-server", "proxy")];
}

export interface SeedRows {
  runs: unknown[][];
  results: unknown[][];
}

/** `count` runs created over the last weeks, newest first, owned by `userId`. */
export function seedRows(count: number, userId: string, nowMs: number): SeedRows {
  const rng = new Rng(20_261_127);
  const pool = histogramPool(rng, 48);
  const runs: unknown[][] = [];
  const results: unknown[][] = [];
  for (let i = 0; i < count; i++) {
    const id = cuidLike(rng);
    const status = weighted(rng, STATUSES);
    const mesh = rng.pick(MESHES);
    const max = rng.next() < 0.2;
    const rate = rng.pick([500, 1000, 2000, 5000, 10_000]);
    const seconds = rng.pick([10, 30, 60]);
    const repetitions = rng.int(1, 3);
    const spec = {
      backend: "LOCAL",
      mesh,
      mode: max ? "max" : "fixed-rate",
      ...(max ? {} : { rate }),
      connections: 16,
      durationSeconds: seconds,
      warmupSeconds: 2,
      payloadBytes: 1024,
      repetitions,
    };
    const createdAt = nowMs - i * 390_000 - rng.int(0, 300_000);
    const startedAt = status === "QUEUED" ? null : createdAt + 1_500;
    const finishedAt = ["SUCCEEDED", "FAILED", "CANCELLED"].includes(status)
      ? createdAt + repetitions * (seconds + 3) * 1000
      : null;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    let first: PooledHistogram | undefined;
    let requests = 0;
    let qpsSum = 0;
    if (status === "SUCCEEDED") {
      for (let it = 1; it <= repetitions; it++) {
        const h = rng.pick(pool);
        first ??= h;
        const qps = max ? 30_000 + rng.next() * 20_000 : rate * (1 + (rng.next() - 0.5) * 0.004);
        const n = Math.round(qps * seconds);
        requests += n;
        qpsSum += qps;
        const repStart = createdAt + 1_500 + (it - 1) * (seconds + 3) * 1000;
        const perSecond = Array.from({ length: seconds }, () => Math.round(qps * (1 + (rng.next() - 0.5) * 0.01)));
        const s = h.summary;
        results.push([
          cuidLike(rng),
          id,
          it,
          max ? null : rate,
          qps,
          n,
          JSON.stringify({}),
          0,
          s.minUs,
          s.meanUs,
          s.maxUs,
          s.p50Us,
          s.p75Us,
          s.p90Us,
          s.p99Us,
          s.p999Us,
          h.bytes,
          JSON.stringify(perSecond),
          seconds,
          JSON.stringify(components(mesh, rng)),
          iso(repStart),
          iso(repStart + (seconds + 2) * 1000),
        ]);
      }
    }
    runs.push([
      id,
      `${SEED_TAG} #${String(i + 1).padStart(5, "0")} ${mesh}`,
      "LOCAL",
      mesh,
      JSON.stringify(spec),
      status,
      status === "SUCCEEDED" ? 100 : status === "RUNNING" ? 40 : 0,
      status === "FAILED" ? "upstream (echo server) exited with code 1" : null,
      userId,
      iso(createdAt),
      iso(startedAt),
      iso(finishedAt),
      first?.summary.p50Us ?? null,
      first?.summary.p99Us ?? null,
      first ? qpsSum / repetitions : null,
      first ? requests : null,
      first ? 0 : null,
    ]);
  }
  return { runs, results };
}
