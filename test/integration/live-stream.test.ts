import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "~/core/live-events";
import { createCaller } from "~/server/api/root";
import { createInnerContext } from "~/server/api/trpc";
import { db } from "~/server/db/client";
import type { LiveStreamMessage } from "~/server/live/subscriber";
import { runQueue } from "~/server/queue/run-queue";
import { callerFor, createUser, sessionFor, TINY_LOCAL_SPEC, waitFor } from "./helpers";
import { startWorker, type WorkerProcess } from "./processes";

/** Every message of one stream, with the time it arrived, until `stop` aborts it. */
function record(stream: AsyncIterable<LiveStreamMessage>) {
  const received: { at: number; message: LiveStreamMessage }[] = [];
  const done = (async () => {
    for await (const message of stream) received.push({ at: Date.now(), message });
  })();
  return { received, done };
}

const rowEventsOf = (received: { at: number; message: LiveStreamMessage }[], id: string) =>
  received.filter(
    (r): r is { at: number; message: Extract<LiveEvent, { type: "row" }> } => r.message.type === "row" && r.message.id === id,
  );

describe("live stream: the worker's state changes pushed through Redis to subscribed pages", () => {
  let worker: WorkerProcess;
  let admin: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    await runQueue().obliterate({ force: true });
    await db.benchmarkRun.deleteMany();
    admin = callerFor(sessionFor(await createUser("ADMIN")));
    worker = await startWorker();
  });

  afterAll(async () => {
    if (worker.child.exitCode === null) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
  });

  it("delivers a real worker's status changes, progress and per-second figures within a second of the database write", async () => {
    const abort = new AbortController();
    // The signal a closed page's request would carry: it ends the stream on the server.
    const viewer = createCaller(createInnerContext(sessionFor(await createUser("VIEWER"))), { signal: abort.signal });
    const stream = record(await viewer.live.events());
    await waitFor("the stream to be ready", async () => stream.received.find((r) => r.message.type === "ready") ?? null, 5_000);

    const { id } = await admin.runs.create({ name: "live", spec: { ...TINY_LOCAL_SPEC, durationSeconds: 3 } });
    const run = await waitFor(
      "the run to finish",
      async () => {
        const row = await db.benchmarkRun.findUniqueOrThrow({ where: { id } });
        return row.finishedAt ? row : null;
      },
      90_000,
    );
    expect(run.status, worker.output()).toBe("SUCCEEDED");
    // The final event is published right after the write: it arrives within a second of it.
    const final = await waitFor(
      "the SUCCEEDED event",
      async () => rowEventsOf(stream.received, id).find((r) => r.message.status === "SUCCEEDED") ?? null,
      2_000,
    );
    expect(final.at - (run.finishedAt?.getTime() ?? 0)).toBeLessThan(1_000);

    const statuses = rowEventsOf(stream.received, id).map((r) => r.message.status);
    expect(statuses[0]).toBe("QUEUED");
    expect(statuses).toContain("RUNNING");
    const progress = rowEventsOf(stream.received, id).flatMap((r) => (r.message.progress === null ? [] : [r.message.progress]));
    expect(progress.at(-1)).toBe(100);
    // Heartbeats carried the phase while the run measured.
    expect(rowEventsOf(stream.received, id).some((r) => r.message.phase?.includes("measuring"))).toBe(true);

    const intervals = stream.received.flatMap((r) =>
      r.message.type === "interval" && r.message.runId === id ? [r.message] : [],
    );
    expect(intervals.length).toBeGreaterThan(0);
    const busy = intervals.filter((i) => i.completionsPerSecond > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const i of busy) expect(i.p50Us).toBeGreaterThan(0);

    abort.abort();
    await stream.done;
  }, 120_000);

  it("ends the stream once the viewer's session has ended", async () => {
    const user = await createUser("VIEWER");
    let valid = true;
    const caller = createCaller(createInnerContext(sessionFor(user), { callerStillValid: async () => valid }));
    const stream = record(await caller.live.events());
    await waitFor("the stream to be ready", async () => stream.received.find((r) => r.message.type === "ready") ?? null, 5_000);
    valid = false;
    // SESSION_RECHECK_SECONDS is 1 in the tests.
    await Promise.race([
      stream.done,
      new Promise((_, reject) => setTimeout(() => reject(new Error("stream still open")), 5_000)),
    ]);
  });
});
