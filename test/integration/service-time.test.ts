import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IterationResult } from "~/core/result";
import { type RunSpecInput, runSpecSchema } from "~/core/spec";
import { LocalBackend } from "~/worker/backends/local/local-backend";
import type { BackendContext } from "~/worker/backends/types";

/**
 * The local upstream's added service time, through the real request path: the same short run
 * without and with 5 ms added, whose p50s differ by about 5 ms.
 */

let runRoot = "";

beforeAll(async () => {
  runRoot = await mkdtemp(path.join(os.tmpdir(), "meshbench-service-time-"));
});

afterAll(async () => {
  await rm(runRoot, { recursive: true, force: true });
});

async function measure(runId: string, extra: Partial<RunSpecInput>): Promise<IterationResult> {
  const spec = runSpecSchema.parse({
    mesh: "baseline",
    rate: 200,
    connections: 4,
    durationSeconds: 3,
    warmupSeconds: 1,
    payloadBytes: 256,
    repetitions: 1,
    ...extra,
  });
  const ctx: BackendContext = {
    runId,
    spec,
    signal: new AbortController().signal,
    log: () => undefined,
    onIterationProgress: () => undefined,
  };
  const backend = new LocalBackend({ runRoot });
  try {
    await backend.prepare(ctx);
    return await backend.runIteration(ctx, 1);
  } finally {
    await backend.cleanup();
  }
}

describe("added service time on the local upstream", () => {
  it("raises the p50 by about the fixed time added, with no errors", async () => {
    const plain = await measure("service-time-none", {});
    const slowed = await measure("service-time-5ms", { serviceTime: { distribution: "fixed", ms: 5 } });
    expect(plain.errors).toEqual({});
    expect(slowed.errors).toEqual({});
    expect(slowed.count).toBeGreaterThan(500);
    const plainP50 = plain.latency?.p50Us ?? Number.NaN;
    const slowedP50 = slowed.latency?.p50Us ?? Number.NaN;
    // A timer waits at least its delay, wakes a tick or two later, and on a busy machine requests
    // queue a little behind slow ones; the delay applied twice would add 10 ms.
    const addedUs = slowedP50 - plainP50;
    expect(addedUs).toBeGreaterThan(4_500);
    expect(addedUs).toBeLessThan(9_500);
    // Every request waited: even the fastest one took 5 ms more than nothing.
    expect(slowed.latency?.minUs ?? 0).toBeGreaterThanOrEqual(5_000);
  }, 60_000);
});
