import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { isKubernetesMesh } from "~/core/kubernetes-meshes";
import { meshesFor } from "~/core/meshes";
import { type RunSpecInput, runLimitProblems, runSpecSchema } from "~/core/spec";
import { pageOf, rowsToRead } from "~/server/api/paging";
import { recordAudit } from "~/server/audit";
import { clusterRunRefusal } from "~/server/cluster/run-admission";
import { db } from "~/server/db/client";
import { env } from "~/server/env";
import { publishLiveEvent } from "~/server/queue/live-channel";
import { sharedRedis } from "~/server/queue/redis";
import { enqueueOrLeaveToReconciler } from "~/server/queue/row-queue";
import { dequeueRun, enqueueRun } from "~/server/queue/run-queue";
import type { listRunsInput } from "./schemas";
import { sharedRead } from "./shared-reads";
import {
  cancelQueuedRun,
  findRunHeader,
  insertQueuedRun,
  isFinished,
  listRunRows,
  requestRunningRunCancel,
  runDetail,
} from "./store";

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
  const tooBig = runLimitProblems(spec, { maxRunSeconds: env.MAX_RUN_SECONDS, maxRunRequests: env.MAX_RUN_REQUESTS });
  if (tooBig.length > 0) throw new TRPCError({ code: "BAD_REQUEST", message: `${tooBig.join(". ")}.` });
  if (spec.backend === "KUBERNETES" && isKubernetesMesh(spec.mesh)) {
    const refusal = await clusterRunRefusal(spec.mesh);
    if (refusal) throw new TRPCError({ code: "PRECONDITION_FAILED", message: refusal });
  }
  const run = await db.$transaction(async (tx) => {
    const created = await insertQueuedRun({ name: input.name, spec, createdById: input.userId }, tx);
    await recordAudit({ userId: input.userId, action: "run.create", target: created.id, detail: { mesh: spec.mesh } }, tx);
    return created;
  });
  const enqueued = await enqueueOrLeaveToReconciler("run", run.id, enqueueRun);
  await publishLiveEvent(sharedRedis(), {
    type: "row",
    table: "BenchmarkRun",
    id: run.id,
    status: "QUEUED",
    progress: 0,
    phase: null,
  });
  return { id: run.id, enqueued };
}

/**
 * A queued run is cancelled at once; a running one is flagged and the worker stops it within
 * a second or so (it polls the flag with its heartbeat) and marks it CANCELLED itself.
 */
export async function cancelRun(runId: string, userId: string) {
  const run = await findRunHeader(runId);
  if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  if (isFinished(run.status)) {
    throw new TRPCError({ code: "CONFLICT", message: `The run already ended (${run.status.toLowerCase()}).` });
  }
  const now = new Date();
  if (await cancelQueuedRun(runId, now)) {
    await dequeueRun(runId).catch(() => undefined);
  } else {
    await requestRunningRunCancel(runId, now);
  }
  await recordAudit({ userId, action: "run.cancel", target: runId });
  const after = await findRunHeader(runId);
  if (!after) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  await publishLiveEvent(sharedRedis(), {
    type: "row",
    table: "BenchmarkRun",
    id: after.id,
    status: after.status,
    progress: null,
    cancelRequested: true,
  });
  return { id: after.id, status: after.status };
}

/** One page of the runs list, newest first. */
export function listRuns(input: z.output<typeof listRunsInput>) {
  return sharedRead(`runs.list:${JSON.stringify(input)}`, async () => {
    const rows = await listRunRows({
      cursor: input.cursor,
      take: rowsToRead(input.limit),
      status: input.status,
      mesh: input.mesh,
    });
    return pageOf(rows, input.limit, (run) => run.id);
  });
}

/** Everything the run page shows. */
export function getRun(id: string) {
  return sharedRead(`runs.get:${id}`, () => readRun(id));
}

async function readRun(id: string) {
  const detail = await runDetail(id);
  if (!detail) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
  return detail;
}

/** The meshes the new-run form offers, per backend. */
export function availableMeshes() {
  return { local: meshesFor("LOCAL"), kubernetes: meshesFor("KUBERNETES") };
}
