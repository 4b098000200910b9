import { EventEmitter, on } from "node:events";
import type { Redis } from "ioredis";
import { type LiveEvent, parseLiveEvent } from "~/core/live-events";
import { liveChannel } from "~/server/queue/live-channel";
import { createRedis } from "~/server/queue/redis";
import { forgetSharedReads } from "~/server/runs/shared-reads";

/**
 * One Redis subscription per web process, fanned out in memory: a hundred open pages cost one
 * subscription and a hundred idle connections, and no query while nothing changes.
 */
interface LiveHub {
  emitter: EventEmitter;
  subscriber: Redis | null;
  ready: Promise<void> | null;
}

const globalForLive = globalThis as unknown as { meshbenchLiveHub?: LiveHub };

function hub(): LiveHub {
  if (!globalForLive.meshbenchLiveHub) {
    const emitter = new EventEmitter();
    // One listener per open stream; the default cap of 10 would warn at the eleventh viewer.
    emitter.setMaxListeners(0);
    globalForLive.meshbenchLiveHub = { emitter, subscriber: null, ready: null };
  }
  return globalForLive.meshbenchLiveHub;
}

/** Subscribes on first use; a failed subscribe is retried by the next stream that asks. */
function ensureSubscribed(h: LiveHub): Promise<void> {
  if (h.ready) return h.ready;
  // Blocking-style connection: a subscriber waits for messages indefinitely and must not give up.
  const subscriber = createRedis({ blocking: true });
  subscriber.on("message", (_channel: string, message: string) => {
    const event = parseLiveEvent(message);
    if (!event) return;
    // Pages refetch on what an event changes: they must read it, not a shared older answer.
    if (event.type === "row") forgetSharedReads();
    h.emitter.emit("event", event);
  });
  // Without a listener ioredis would throw on a connection error; it reconnects and resubscribes by itself.
  subscriber.on("error", () => undefined);
  h.subscriber = subscriber;
  h.ready = subscriber.subscribe(liveChannel()).then(
    () => undefined,
    (error: unknown) => {
      h.ready = null;
      h.subscriber = null;
      subscriber.disconnect();
      throw error;
    },
  );
  return h.ready;
}

/** What a page's stream carries: "ready" once the subscription stands, then the live events. */
export type LiveStreamMessage = LiveEvent | { type: "ready" };

/**
 * The live events from now on, until `signal` aborts. "ready" comes first, once the subscription
 * is in place: nothing published after it is missed, so a page that reads fresh data then is
 * complete.
 */
export async function* liveEvents(signal: AbortSignal): AsyncGenerator<LiveStreamMessage> {
  const h = hub();
  // Listen before subscribing: nothing published once the subscription stands is dropped.
  const events = on(h.emitter, "event", { signal });
  await ensureSubscribed(h);
  yield { type: "ready" };
  try {
    for await (const [event] of events) yield event as LiveEvent;
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
