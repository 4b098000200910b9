import { isDeepStrictEqual } from "node:util";
import type { ComponentUsage } from "~/core/result";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";

interface Figures {
  p50Us: number | null;
  p99Us: number | null;
  /** Mean over repetitions of the CPU cores all the run's processes used; null if not measured. */
  cpuCores: number | null;
}

export interface ProbeOverhead {
  reference: { id: string; name: string } | null;
  withProbes: Figures;
  withoutProbes: Figures | null;
}

function totalCpu(results: { components: unknown }[]): number | null {
  const perIteration = results.map((r) => {
    const cores = (r.components as ComponentUsage[]).map((c) => c.cpuCores);
    return cores.some((c) => c === null) ? null : cores.reduce<number>((a, c) => a + (c ?? 0), 0);
  });
  if (perIteration.length === 0 || perIteration.some((c) => c === null)) return null;
  return perIteration.reduce<number>((a, c) => a + (c ?? 0), 0) / perIteration.length;
}

/**
 * What the probes cost: this run against the newest succeeded run with exactly the same spec but no
 * probes. Null when the run has no probes or has not succeeded; `reference` null when no such run exists.
 */
export async function probeOverhead(runId: string): Promise<ProbeOverhead | null> {
  const run = await db.benchmarkRun.findUnique({
    where: { id: runId },
    select: {
      spec: true,
      mesh: true,
      backend: true,
      status: true,
      p50Us: true,
      p99Us: true,
      results: { select: { components: true } },
    },
  });
  const spec = runSpecSchema.safeParse(run?.spec);
  if (!run || !spec.success || spec.data.probes.length === 0 || run.status !== "SUCCEEDED") return null;
  const withoutProbes = { ...spec.data, probes: [] };
  const candidates = await db.benchmarkRun.findMany({
    where: { mesh: run.mesh, backend: run.backend, status: "SUCCEEDED", id: { not: runId } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 200,
    select: { id: true, name: true, spec: true, p50Us: true, p99Us: true, results: { select: { components: true } } },
  });
  const reference = candidates.find((c) => {
    const parsed = runSpecSchema.safeParse(c.spec);
    return parsed.success && isDeepStrictEqual(parsed.data, withoutProbes);
  });
  return {
    reference: reference ? { id: reference.id, name: reference.name } : null,
    withProbes: { p50Us: run.p50Us, p99Us: run.p99Us, cpuCores: totalCpu(run.results) },
    withoutProbes: reference ? { p50Us: reference.p50Us, p99Us: reference.p99Us, cpuCores: totalCpu(reference.results) } : null,
  };
}
