import { TRPCError } from "@trpc/server";
import { isKubernetesMesh } from "~/core/kubernetes-meshes";
import { type RunSpecInput, runSpecSchema } from "~/core/spec";
import { recordAudit } from "~/server/audit";
import { clusterRunRefusal } from "~/server/cluster/run-admission";
import type { Prisma } from "~/server/db/client";
import { db } from "~/server/db/client";
import type { RunStatus } from "~/server/db/generated/enums";
import { enqueueOrLeaveToReconciler } from "~/server/queue/row-queue";
import { dequeueRun, enqueueRun } from "~/server/queue/run-queue";

export interface CreateRunInput {
  name: string;
  spec: RunSpecInput;
  userId: string | null;
}

/**
 * Writes the run first, then enqueues it. If Redis is down the run stays QUEUED in PostgreSQL
 * and the worker's reconciler enqueues it later: nothing the admin asked for is lost.
 */
export async function createRun(input: CreateRunInput) {
  const spec = runSpecSchema.parse(input.spec);
  if (spec.backend === "KUBERNETES" && isKubernetesMesh(spec.mesh)) {
    const refusal = await clusterRunRefusal(spec.mesh);
    if (refusal) throw new TRPCError({ code: "PRECONDITION_FAILED", message: refusal });
  }
  const run = await db.$transaction(async (tx) => {
    const created = await tx.benchmarkRun.create({
      data: {
        name: input.name,
        backend: spec.backend,
        mesh: spec.mesh,
        spec: spec as unknown as Prisma.InputJsonValue,
        createdById: input.userId,
      },
    });
    await recordAudit({ userId: input.userId, action: "run.create", target: created.id, detail: { mesh: spec.mesh } }, tx);
    return created;
  });
  const enqueued = await enqueueOrLeaveToReconciler("run", run.id, enqueueRun);
  return { run, enqueued };
}

const FINISHED: RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

/**
 * A queued run is cancelled at once; a running one is flagged and the worker stops it within
 * a second or so (it polls the flag with its heartbeat) and marks it CANCELLED itself.
 */
export async function cancelRun(runId: string, userId: string) {
  const run = await db.benchmarkRun.findUnique({ where: { id: runId }, select: { status: true } });
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  if (FINISHED.includes(run.status)) {
    throw new TRPCError({ code: "CONFLICT", message: `The run already ended (${run.status.toLowerCase()}).` });
  }
  const now = new Date();
  const queued = await db.benchmarkRun.updateMany({
    where: { id: runId, status: "QUEUED" },
    data: { status: "CANCELLED", cancelRequestedAt: now, finishedAt: now, error: "Cancelled before it started" },
  });
  if (queued.count === 1) {
    await dequeueRun(runId).catch(() => undefined);
  } else {
    await db.benchmarkRun.updateMany({ where: { id: runId, status: "RUNNING" }, data: { cancelRequestedAt: now } });
  }
  await recordAudit({ userId, action: "run.cancel", target: runId });
  return db.benchmarkRun.findUniqueOrThrow({ where: { id: runId } });
}
