import type { ComponentUsage } from "~/core/result";
import { COMPARABLE_STATUS } from "~/core/run-status";
import type { RunSpec } from "~/core/spec";
import { db, type Prisma } from "~/server/db/client";
import type { Backend } from "~/server/db/generated/enums";
import { componentsColumn, parseSpec } from "./json-columns";

/** A run's headline figures and its resource use per repetition, without histograms. */
export interface RunFigures {
  id: string;
  name: string;
  mesh: string;
  backend: Backend;
  status: string;
  spec: RunSpec | null;
  p50Us: number | null;
  p99Us: number | null;
  /** Per repetition, the CPU and memory of each of the run's components. */
  components: ComponentUsage[][];
}

const RUN_FIGURES_SELECT = {
  id: true,
  name: true,
  mesh: true,
  backend: true,
  status: true,
  spec: true,
  p50Us: true,
  p99Us: true,
  results: { select: { components: true }, orderBy: { iteration: "asc" } },
} as const satisfies Prisma.BenchmarkRunSelect;

function toRunFigures(row: Prisma.BenchmarkRunGetPayload<{ select: typeof RUN_FIGURES_SELECT }>): RunFigures {
  const { results, spec, ...run } = row;
  return { ...run, spec: parseSpec(spec), components: results.map((r) => componentsColumn.parse(r.components)) };
}

export async function findRunFigures(id: string): Promise<RunFigures | null> {
  const row = await db.benchmarkRun.findUnique({ where: { id }, select: RUN_FIGURES_SELECT });
  return row ? toRunFigures(row) : null;
}

/** Succeeded runs of a profile (mesh + backend) other than `excludeId`, newest first. */
export async function findComparableRunFiguresOfProfile(
  profile: { mesh: string; backend: Backend },
  options: { excludeId: string; take: number },
): Promise<RunFigures[]> {
  const rows = await db.benchmarkRun.findMany({
    where: { mesh: profile.mesh, backend: profile.backend, status: COMPARABLE_STATUS, id: { not: options.excludeId } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take,
    select: RUN_FIGURES_SELECT,
  });
  return rows.map(toRunFigures);
}
