import type { Redis } from "ioredis";
import type { IntervalEvent, RowEvent } from "~/core/live-events";
import { publishLiveEvent } from "~/server/queue/live-channel";
import { createRedis } from "~/server/queue/redis";
import type { LoadIntervalSample } from "./backends/types";

let connection: Redis | null = null;

/** One publishing connection per worker process, opened on first use. */
function redis(): Redis {
  connection ??= createRedis({ blocking: false });
  return connection;
}

export function publishRowEvent(event: Omit<RowEvent, "type">): Promise<void> {
  return publishLiveEvent(redis(), { type: "row", ...event });
}

/**
 * Turns the load generator's intervals (about a second each, their length not carried) into
 * per-second figures, timing them by when each one arrives.
 */
export function intervalPublisher(runId: string, now: () => number = Date.now): (sample: LoadIntervalSample) => void {
  let previous = now();
  return (sample) => {
    const at = now();
    const seconds = Math.max(0.001, (at - previous) / 1000);
    previous = at;
    const errors = Object.values(sample.errors).reduce((sum, n) => sum + n, 0);
    const empty = sample.histogram.totalCount === 0;
    const event: IntervalEvent = {
      type: "interval",
      runId,
      at,
      completionsPerSecond: sample.responses / seconds,
      errorsPerSecond: errors / seconds,
      // An interval without responses has no latency: null, never 0.
      p50Us: empty ? null : sample.histogram.getValueAtPercentile(50),
      p99Us: empty ? null : sample.histogram.getValueAtPercentile(99),
    };
    void publishLiveEvent(redis(), event);
  };
}

/** Closes the publishing connection at shutdown. */
export async function closeLiveEvents(): Promise<void> {
  const open = connection;
  connection = null;
  await open?.quit().catch(() => open.disconnect());
}
