import { liveComponentQueries } from "~/core/cadvisor-queries";
import { CLIENT_NAME, runNamespaceName, SERVER_NAME } from "~/core/cluster-names";
import { isKubernetesMesh, KUBERNETES_MESH_PROFILES } from "~/core/kubernetes-meshes";
import type { BackendKind, MeshProfile } from "~/core/meshes";
import type { ChartSeries, MetricUnit } from "~/core/metric-series";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { queryRange } from "./prometheus";
import { CATALOG_QUERY_NAMES, type CatalogQueryName, PROMQL_CATALOG, renderQuery, stepFor } from "./promql-catalog";
import { cachedScrapeInterval } from "./scrape-interval";

export interface MetricChart {
  title: string;
  unit: MetricUnit;
  series: ChartSeries[];
}

export interface RunMetrics {
  source: "prometheus" | "snapshot";
  startSeconds: number;
  stepSeconds: number;
  charts: Record<CatalogQueryName, MetricChart>;
}

interface RunWindow {
  id: string;
  backend: BackendKind;
  mesh: string;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const RUN_WINDOW_SELECT = { id: true, backend: true, mesh: true, startedAt: true, finishedAt: true } as const;

/**
 * The PromQL behind each chart of this run; null where the run has no such series. A cluster run
 * has CPU and memory per component from the cluster's cAdvisor; fortio publishes nothing while it
 * runs, and the worker's own host is not where the run ran.
 */
function runQueries(run: RunWindow, scrapeIntervalSeconds: number | null): Record<CatalogQueryName, string | null> {
  const local = run.backend !== "KUBERNETES";
  const queries = Object.fromEntries(CATALOG_QUERY_NAMES.map((name) => [name, local ? renderQuery(name, run.id) : null]));
  const mesh = run.mesh as MeshProfile;
  if (!local && isKubernetesMesh(mesh)) {
    const live = liveComponentQueries(
      KUBERNETES_MESH_PROFILES[mesh].resources,
      { client: CLIENT_NAME, server: SERVER_NAME },
      runNamespaceName(run.id),
      { job: env.CADVISOR_JOB, nodeLabel: env.CADVISOR_NODE_LABEL },
      scrapeIntervalSeconds,
    );
    queries.cpu_by_component = live.cpu;
    queries.memory_by_component = live.memory;
  }
  return queries as Record<CatalogQueryName, string | null>;
}

/** Compact stored form: values aligned on start + i * step, no repeated timestamps. */
type StoredSeries = Record<string, { name: string; values: (number | null)[] }[]>;

/** Queries every catalog entry for the run's window, straight from Prometheus. */
export async function queryRunMetrics(
  run: RunWindow,
  now = new Date(),
  baseUrl = env.PROMETHEUS_URL,
): Promise<RunMetrics | null> {
  if (!run.startedAt) return null;
  const start = Math.floor(run.startedAt.getTime() / 1000);
  const end = Math.ceil((run.finishedAt ?? now).getTime() / 1000);
  const step = stepFor(start, end);
  const promql = runQueries(run, run.backend === "KUBERNETES" ? await cachedScrapeInterval(baseUrl) : null);
  const entries = await Promise.all(
    CATALOG_QUERY_NAMES.map(async (name) => {
      const query = PROMQL_CATALOG[name] as { title: string; unit: MetricUnit; seriesLabel?: string };
      const text = promql[name];
      const series = text === null ? [] : await queryRange(text, start, end, step, baseUrl);
      const chart: MetricChart = {
        title: query.title,
        unit: query.unit,
        series: series.map((s) => ({
          name: query.seriesLabel ? (s.labels[query.seriesLabel] ?? "?") : query.title,
          points: s.points,
        })),
      };
      return [name, chart] as const;
    }),
  );
  return {
    source: "prometheus",
    startSeconds: start,
    stepSeconds: step,
    charts: Object.fromEntries(entries) as RunMetrics["charts"],
  };
}

export function toStored(metrics: RunMetrics): StoredSeries {
  const slots = (t: number) => Math.round((t - metrics.startSeconds) / metrics.stepSeconds);
  const out: StoredSeries = {};
  for (const name of CATALOG_QUERY_NAMES) {
    out[name] = metrics.charts[name].series.map((s) => {
      const length = s.points.length === 0 ? 0 : Math.max(...s.points.map(([t]) => slots(t))) + 1;
      const values: (number | null)[] = Array.from({ length }, () => null);
      // Six significant digits: far finer than any chart, and a third of the JSON.
      for (const [t, v] of s.points) values[slots(t)] = v === null ? null : Number(v.toPrecision(6));
      return { name: s.name, values };
    });
  }
  return out;
}

export function fromStored(startSeconds: number, stepSeconds: number, stored: StoredSeries): RunMetrics {
  const charts = Object.fromEntries(
    CATALOG_QUERY_NAMES.map((name) => {
      const { title, unit } = PROMQL_CATALOG[name];
      const series = (stored[name] ?? []).map((s) => ({
        name: s.name,
        points: s.values.flatMap((v, i): [number, number | null][] => (v === null ? [] : [[startSeconds + i * stepSeconds, v]])),
      }));
      return [name, { title, unit, series }];
    }),
  ) as RunMetrics["charts"];
  return { source: "snapshot", startSeconds, stepSeconds, charts };
}

/** Copies a finished run's series from Prometheus into PostgreSQL. */
export async function snapshotRunMetrics(runId: string): Promise<RunMetrics | null> {
  const run = await db.benchmarkRun.findUniqueOrThrow({ where: { id: runId }, select: RUN_WINDOW_SELECT });
  const metrics = await queryRunMetrics(run);
  if (!metrics) return null;
  const data = {
    startSeconds: metrics.startSeconds,
    stepSeconds: metrics.stepSeconds,
    series: toStored(metrics) as unknown as Prisma.InputJsonValue,
  };
  await db.runMetricsSnapshot.upsert({ where: { runId }, create: { runId, ...data }, update: data });
  return metrics;
}

/** A finished run reads its snapshot (Prometheus may be gone); a live one reads Prometheus. */
export async function runMetrics(run: RunWindow & { status: string }): Promise<RunMetrics | null> {
  const snapshot = await db.runMetricsSnapshot.findUnique({ where: { runId: run.id } });
  if (snapshot) return fromStored(snapshot.startSeconds, snapshot.stepSeconds, snapshot.series as unknown as StoredSeries);
  return queryRunMetrics(run);
}
