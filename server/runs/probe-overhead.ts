import { isDeepStrictEqual } from "node:util";
import type { ComponentUsage } from "~/core/result";
import { isComparableStatus } from "~/core/run-status";
import { findComparableRunFiguresOfProfile, findRunFigures } from "./run-figures";

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

/** How many of the profile's newest succeeded runs are searched for one with the same spec. */
const REFERENCE_CANDIDATES = 200;

function totalCpu(perRepetition: readonly ComponentUsage[][]): number | null {
  const perIteration = perRepetition.map((components) => {
    const cores = components.map((c) => c.cpuCores);
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
  const run = await findRunFigures(runId);
  if (!run?.spec || run.spec.probes.length === 0 || !isComparableStatus(run.status)) return null;
  const withoutProbes = { ...run.spec, probes: [] };
  const candidates = await findComparableRunFiguresOfProfile(run, { excludeId: runId, take: REFERENCE_CANDIDATES });
  const reference = candidates.find((c) => c.spec !== null && isDeepStrictEqual(c.spec, withoutProbes));
  return {
    reference: reference ? { id: reference.id, name: reference.name } : null,
    withProbes: { p50Us: run.p50Us, p99Us: run.p99Us, cpuCores: totalCpu(run.components) },
    withoutProbes: reference
      ? { p50Us: reference.p50Us, p99Us: reference.p99Us, cpuCores: totalCpu(reference.components) }
      : null,
  };
}
