import { LRUCache } from "lru-cache";
import { z } from "zod";
import {
  buildComparison,
  type CompareRunInput,
  type Comparison,
  type ProbeHistogramInput,
  type RegressionResult,
  type RunStatisticsOf,
  regression,
  statisticsOfRun,
} from "~/core/compare";
import { MAX_COMPARE_RUNS } from "~/core/compare-limits";
import type { ComponentUsage } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { histogramFromBytes } from "~/server/db/histogram-bytes";

/**
 * Loads runs from PostgreSQL into the pure comparison builder. Shared by the compare page's
 * procedures, the exports and the report worker, so all of them show the same figures.
 */

export class ComparisonError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "NOT_FINISHED" | "NO_DATA",
    message: string,
  ) {
    super(message);
  }
}

/** Runs a comparison accepts: finished with results. Failed and cancelled runs keep partial data that would mislead. */
export const COMPARABLE_STATUS = "SUCCEEDED";

const bucketSchema = z.object({ min: z.number().nullable(), max: z.number().nullable(), count: z.number() });
const probeDataSchema = z
  .object({
    histograms: z
      .array(
        z.object({
          metric: z.string(),
          labels: z.record(z.string(), z.string()).catch({}),
          unit: z.string().catch(""),
          buckets: z.array(bucketSchema),
          count: z.number().catch(0),
        }),
      )
      .catch([]),
  })
  .catch({ histograms: [] });
const probeSummarySchema = z.record(z.string(), z.number().nullable().catch(null)).catch({});

const componentsSchema = z
  .array(
    z.object({
      component: z.string(),
      role: z.enum(["loadgen", "app", "proxy", "control-plane"]).catch("app"),
      cpuCores: z.number().nullable().catch(null),
      maxRssBytes: z.number().nullable().catch(null),
    }),
  )
  .catch([]);

const errorsSchema = z.record(z.string(), z.number()).catch({});

async function loadRunInputs(runIds: readonly string[]): Promise<CompareRunInput[]> {
  const rows = await db.benchmarkRun.findMany({
    where: { id: { in: [...runIds] } },
    include: {
      results: { orderBy: { iteration: "asc" } },
      probeResults: { orderBy: [{ probe: "asc" }, { iteration: "asc" }] },
      createdBy: { select: { email: true, name: true } },
    },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return runIds.map((id) => {
    const run = byId.get(id);
    if (!run) throw new ComparisonError("NOT_FOUND", `No run with id ${id}.`);
    const spec = runSpecSchema.safeParse(run.spec);
    return {
      id: run.id,
      name: run.name,
      mesh: run.mesh,
      backend: run.backend,
      status: run.status,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      createdBy: run.createdBy?.name ?? run.createdBy?.email ?? null,
      spec: spec.success ? spec.data : null,
      repetitions: run.results.map((r) => ({
        iteration: r.iteration,
        requestedQps: r.requestedQps,
        actualQps: r.actualQps,
        count: r.count,
        errorCount: r.errorCount,
        errors: errorsSchema.parse(r.errors),
        histogram: histogramFromBytes(r.histogram),
        components: componentsSchema.parse(r.components) satisfies ComponentUsage[],
        measuredSeconds: r.measuredSeconds,
      })),
      probes: run.probeResults.map((p) => ({
        probe: p.probe,
        iteration: p.iteration,
        node: p.node,
        available: p.available,
        reason: p.reason,
        summary: probeSummarySchema.parse(p.summary),
        histograms: probeDataSchema.parse(p.data).histograms satisfies ProbeHistogramInput[],
      })),
    } satisfies CompareRunInput;
  });
}

function assertComparable(inputs: CompareRunInput[]): void {
  for (const run of inputs) {
    if (run.status !== COMPARABLE_STATUS) {
      throw new ComparisonError(
        "NOT_FINISHED",
        `“${run.name}” is ${run.status.toLowerCase()}: only succeeded runs can be compared.`,
      );
    }
    if (run.repetitions.length === 0) throw new ComparisonError("NO_DATA", `“${run.name}” has no stored results.`);
  }
}

/**
 * A comparison is a deterministic function (the bootstrap is seeded) of succeeded runs, which do
 * not change; building one costs about 50 ms of CPU for 8 runs, nearly all bootstrap
 * (bench/experimental/compare-cost.ts). So a repeated view (a shared link, a reload, a report)
 * reuses it. The key holds everything of a run that the answer depends on and could still change.
 * Callers treat the result as read-only.
 */
const comparisons = new LRUCache<string, Comparison>({ max: 64 });

/**
 * Each run's bootstrap depends on that run alone, so a new comparison reuses the runs it shares
 * with earlier ones (a baseline compared against one mesh after another). About 64 KB per run.
 */
const runStatisticsCache = new LRUCache<string, ReturnType<RunStatisticsOf>>({ max: 256 });
const cachedStatisticsOf: RunStatisticsOf = (input, iterations) => {
  const key = `${input.id}|${input.finishedAt?.toISOString()}|${input.repetitions.length}|${iterations}`;
  let statistics = runStatisticsCache.get(key);
  if (!statistics) {
    statistics = statisticsOfRun(input, iterations);
    runStatisticsCache.set(key, statistics);
  }
  return statistics;
};

/**
 * Read without the results, so a cached comparison costs one light query. A run's results and
 * probe results are all stored before it is marked finished, so its finish time stands for them.
 */
async function comparisonKey(ids: readonly string[], baselineId: string | null | undefined): Promise<string> {
  const rows = await db.benchmarkRun.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, name: true, status: true, finishedAt: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const runs = ids.map((id) => {
    const r = byId.get(id);
    return r ? [r.id, r.name, r.status, r.finishedAt?.toISOString()] : [id];
  });
  return JSON.stringify([baselineId ?? null, runs]);
}

/** 1-8 distinct succeeded runs, in the given order. */
export async function loadComparison(runIds: readonly string[], baselineId?: string | null): Promise<Comparison> {
  const ids = [...new Set(runIds)];
  if (ids.length === 0 || ids.length > MAX_COMPARE_RUNS) {
    throw new ComparisonError("NOT_FOUND", `Pick between 1 and ${MAX_COMPARE_RUNS} runs.`);
  }
  // Only a comparison that was built (its runs passed assertComparable) is ever cached.
  const key = await comparisonKey(ids, baselineId);
  const cached = comparisons.get(key);
  if (cached) return cached;
  const inputs = await loadRunInputs(ids);
  assertComparable(inputs);
  const comparison = buildComparison(inputs, { baselineId, statisticsOf: cachedStatisticsOf });
  comparisons.set(key, comparison);
  return comparison;
}

// ---------------------------------------------------------------------------------------------
// Profile baselines and regressions

export interface RegressionRow extends RegressionResult {
  name: string;
  createdAt: Date;
}

export interface ProfileRegressions {
  mesh: string;
  backend: string;
  baseline: { id: string; name: string; createdAt: Date; p99Us: number | null };
  /** Later succeeded runs of the profile, newest first. */
  runs: RegressionRow[];
}

/** The run marked as its profile's baseline, if any (the profile is mesh + backend). */
export async function profileBaselineFor(run: { mesh: string; backend: "LOCAL" | "KUBERNETES" }) {
  return db.benchmarkRun.findFirst({
    where: { mesh: run.mesh, backend: run.backend, isProfileBaseline: true },
    select: { id: true, name: true, createdAt: true, p99Us: true },
  });
}

/** Verdict of one run against its profile's baseline; null when the profile has none or it is the run itself. */
export async function runRegression(runId: string): Promise<(RegressionResult & { baselineName: string }) | null> {
  const run = await db.benchmarkRun.findUnique({
    where: { id: runId },
    select: { id: true, mesh: true, backend: true, status: true, createdAt: true },
  });
  if (!run) throw new ComparisonError("NOT_FOUND", "No such run.");
  if (run.status !== COMPARABLE_STATUS) return null;
  const baseline = await profileBaselineFor(run);
  // Only later runs are judged against a baseline, as in listRegressions.
  if (!baseline || baseline.id === run.id || run.createdAt <= baseline.createdAt) return null;
  const [input, base] = await loadRunInputs([run.id, baseline.id]);
  if (!input || !base || input.repetitions.length === 0 || base.repetitions.length === 0) return null;
  return { ...regression(input, base, { statisticsOf: cachedStatisticsOf }), baselineName: baseline.name };
}

/** Every profile with a baseline, and its later runs judged against it (at most `limit` per profile). */
export async function listRegressions(limit = 10): Promise<ProfileRegressions[]> {
  const baselines = await db.benchmarkRun.findMany({
    where: { isProfileBaseline: true },
    orderBy: [{ mesh: "asc" }, { backend: "asc" }],
    select: { id: true, name: true, mesh: true, backend: true, createdAt: true, p99Us: true },
  });
  const out: ProfileRegressions[] = [];
  for (const b of baselines) {
    const later = await db.benchmarkRun.findMany({
      where: { mesh: b.mesh, backend: b.backend, status: COMPARABLE_STATUS, createdAt: { gt: b.createdAt }, id: { not: b.id } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      select: { id: true, name: true, createdAt: true },
    });
    const inputs = later.length > 0 ? await loadRunInputs([b.id, ...later.map((r) => r.id)]) : [];
    const [base, ...rest] = inputs;
    out.push({
      mesh: b.mesh,
      backend: b.backend,
      baseline: { id: b.id, name: b.name, createdAt: b.createdAt, p99Us: b.p99Us },
      runs:
        base && base.repetitions.length > 0
          ? rest
              .filter((r) => r.repetitions.length > 0)
              .map((r) => ({
                ...regression(r, base, { statisticsOf: cachedStatisticsOf }),
                name: r.name,
                createdAt: r.createdAt,
              }))
          : [],
    });
  }
  return out;
}

/** Makes a run its profile's only baseline (or clears it), atomically per profile. */
export async function setProfileBaseline(runId: string, baseline: boolean) {
  return db.$transaction(async (tx) => {
    const run = await tx.benchmarkRun.findUnique({
      where: { id: runId },
      select: { id: true, mesh: true, backend: true, status: true },
    });
    if (!run) throw new ComparisonError("NOT_FOUND", "No such run.");
    if (baseline && run.status !== COMPARABLE_STATUS) {
      throw new ComparisonError("NOT_FINISHED", "Only a succeeded run can be a baseline.");
    }
    // Serialise markings of the same profile, so two admins cannot leave two baselines behind.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`meshbench:baseline:${run.backend}:${run.mesh}`}))`;
    if (baseline) {
      await tx.benchmarkRun.updateMany({
        where: { mesh: run.mesh, backend: run.backend, isProfileBaseline: true, id: { not: run.id } },
        data: { isProfileBaseline: false },
      });
    }
    return tx.benchmarkRun.update({
      where: { id: run.id },
      data: { isProfileBaseline: baseline },
      select: { id: true, mesh: true, backend: true, isProfileBaseline: true },
    });
  });
}
