import { COMPARABLE_STATUS, isComparableStatus } from "~/core/run-status";
import { db } from "~/server/db/client";
import type { Backend } from "~/server/db/generated/enums";

/** A profile is a mesh on a backend; each may mark one succeeded run as the baseline later runs are judged against. */
export interface Profile {
  mesh: string;
  backend: Backend;
}

/** The run marked as its profile's baseline, if any. */
export function findProfileBaseline(profile: Profile) {
  return db.benchmarkRun.findFirst({
    where: { mesh: profile.mesh, backend: profile.backend, isProfileBaseline: true },
    select: { id: true, name: true, createdAt: true, p99Us: true },
  });
}

/** Every profile's baseline run, by mesh and backend. */
export function listProfileBaselines() {
  return db.benchmarkRun.findMany({
    where: { isProfileBaseline: true },
    orderBy: [{ mesh: "asc" }, { backend: "asc" }],
    select: { id: true, name: true, mesh: true, backend: true, createdAt: true, p99Us: true },
  });
}

/** Succeeded runs of the baseline's profile created after it, newest first: the runs judged against it. */
export function findRunsJudgedAgainst(baseline: Profile & { id: string; createdAt: Date }, take: number) {
  return db.benchmarkRun.findMany({
    where: {
      mesh: baseline.mesh,
      backend: baseline.backend,
      status: COMPARABLE_STATUS,
      createdAt: { gt: baseline.createdAt },
      id: { not: baseline.id },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, name: true, createdAt: true },
  });
}

export type BaselineMarking =
  | { outcome: "MARKED"; run: { id: string; mesh: string; backend: Backend; isProfileBaseline: boolean } }
  | { outcome: "NOT_FOUND" }
  | { outcome: "NOT_COMPARABLE" };

/** Makes a run its profile's only baseline (or clears it), atomically per profile. */
export function markProfileBaseline(runId: string, baseline: boolean): Promise<BaselineMarking> {
  return db.$transaction(async (tx) => {
    const run = await tx.benchmarkRun.findUnique({
      where: { id: runId },
      select: { id: true, mesh: true, backend: true, status: true },
    });
    if (!run) return { outcome: "NOT_FOUND" };
    if (baseline && !isComparableStatus(run.status)) return { outcome: "NOT_COMPARABLE" };
    // Serialise markings of the same profile, so two admins cannot leave two baselines behind.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`meshbench:baseline:${run.backend}:${run.mesh}`}))`;
    if (baseline) {
      await tx.benchmarkRun.updateMany({
        where: { mesh: run.mesh, backend: run.backend, isProfileBaseline: true, id: { not: run.id } },
        data: { isProfileBaseline: false },
      });
    }
    const marked = await tx.benchmarkRun.update({
      where: { id: run.id },
      data: { isProfileBaseline: baseline },
      select: { id: true, mesh: true, backend: true, isProfileBaseline: true },
    });
    return { outcome: "MARKED", run: marked };
  });
}
