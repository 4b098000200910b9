import type { ProbeRunResult } from "~/core/probes";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";

export interface ProbeResultOwner {
  runId?: string;
  iteration?: number;
  probeJobId?: string;
}

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
