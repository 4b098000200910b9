import { beforeAll, describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import { db } from "~/server/db/client";
import { processBenchmark } from "~/worker/jobs/benchmark";

/** The benchmark job's side of the host lock, with the lock played by a function that counts. */
const quiet = { shutdownSignal: new AbortController().signal, log: () => undefined };
const unusedBackend = () => {
  throw new Error("no backend in this test");
};

describe("a run while another local benchmark holds the machine", () => {
  beforeAll(async () => {
    await db.benchmarkRun.deleteMany();
  });

  it("a local run is left QUEUED, untouched, when the host lock is taken", async () => {
    const spec = runSpecSchema.parse({ backend: "LOCAL", mesh: "nginx", rate: 100, durationSeconds: 2, repetitions: 1 });
    const run = await db.benchmarkRun.create({ data: { name: "busy local", backend: "LOCAL", mesh: "nginx", spec } });
    let asked = 0;
    const outcome = await processBenchmark(run.id, {
      ...quiet,
      createBackend: unusedBackend,
      lockHost: async () => {
        asked++;
        return null;
      },
    });
    expect(outcome).toBe("HOST_BUSY");
    expect(asked).toBe(1);
    const after = await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(after).toMatchObject({ status: "QUEUED", startedAt: null, heartbeatAt: null, phase: null });
  });

  it("a cluster run is claimed without asking for the host lock", async () => {
    const spec = runSpecSchema.parse({ backend: "KUBERNETES", mesh: "istio", rate: 100, durationSeconds: 2, repetitions: 1 });
    const run = await db.benchmarkRun.create({ data: { name: "cluster", backend: "KUBERNETES", mesh: "istio", spec } });
    let asked = 0;
    const outcome = await processBenchmark(run.id, {
      ...quiet,
      createBackend: unusedBackend,
      lockHost: async () => {
        asked++;
        return null;
      },
    });
    // Claimed and run (its backend fails here): the lock never stood in its way.
    expect(outcome).toBe("FAILED");
    expect(asked).toBe(0);
    expect((await db.benchmarkRun.findUniqueOrThrow({ where: { id: run.id } })).startedAt).not.toBeNull();
  });

  it("the lock is released once the local run has ended, whatever its outcome", async () => {
    const spec = runSpecSchema.parse({ backend: "LOCAL", mesh: "nginx", rate: 100, durationSeconds: 2, repetitions: 1 });
    const run = await db.benchmarkRun.create({ data: { name: "held local", backend: "LOCAL", mesh: "nginx", spec } });
    let released = 0;
    const outcome = await processBenchmark(run.id, {
      ...quiet,
      createBackend: unusedBackend,
      lockHost: async () => ({
        release: async () => {
          released++;
        },
      }),
    });
    expect(outcome).toBe("FAILED");
    expect(released).toBe(1);
  });
});
