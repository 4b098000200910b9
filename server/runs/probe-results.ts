import type { ProbeRunResult } from "~/core/probes";
import { db, type Prisma } from "~/server/db/client";

/** A probe result belongs to one repetition of a run, or to a probe job run on its own. */
export interface ProbeResultOwner {
  runId?: string;
  iteration?: number;
  probeJobId?: string;
}

/** The columns the probe views show. */
export const PROBE_RESULT_SELECT = {
  id: true,
  iteration: true,
  probe: true,
  node: true,
  available: true,
  reason: true,
  data: true,
  summary: true,
  startedAt: true,
  finishedAt: true,
} as const satisfies Prisma.ProbeResultSelect;

/** One ProbeResult row: figures when the probe ran, the reason when it could not. */
export async function storeProbeResult(owner: ProbeResultOwner, result: ProbeRunResult): Promise<void> {
  const common = {
    ...owner,
    probe: result.probe,
    node: result.host,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
  if (!result.available) {
    await db.probeResult.create({
      data: {
        ...common,
        available: false,
        reason: result.reason,
        data: { scope: result.scope } as unknown as Prisma.InputJsonValue,
        summary: {},
      },
    });
    return;
  }
  const data = {
    scope: result.scope,
    intervalSeconds: result.intervalSeconds,
    complete: result.complete,
    warnings: result.warnings,
    overhead: result.overhead,
    ...result.data,
    diagnostics: result.diagnostics,
  };
  await db.probeResult.create({
    data: { ...common, available: true, data: data as unknown as Prisma.InputJsonValue, summary: result.summary },
  });
}

/** A run's probe results, per probe and repetition. */
export function findProbeResultsOfRun(runId: string) {
  return db.probeResult.findMany({
    where: { runId },
    orderBy: [{ probe: "asc" }, { iteration: "asc" }],
    select: PROBE_RESULT_SELECT,
  });
}
