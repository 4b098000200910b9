import { env } from "~/server/env";
import { type LiveStreamMessage, liveEvents } from "./subscriber";

/**
 * One page's stream. A long-lived stream outlives the per-request session check, so the session
 * is checked again every SESSION_RECHECK_SECONDS (the same limit as for requests); once it has
 * ended (signed out, user deleted, token revoked) the stream ends and the page's reconnect meets
 * the login check.
 */
export async function* liveStream(
  signal: AbortSignal,
  stillValid: (() => Promise<boolean>) | undefined,
): AsyncGenerator<LiveStreamMessage> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const recheck =
    stillValid &&
    setInterval(() => {
      stillValid().then(
        (valid) => {
          if (!valid) stop.abort();
        },
        // An outage is not a sign-out: as for requests, the session stands until it can be checked.
        () => undefined,
      );
    }, Math.max(1, env.SESSION_RECHECK_SECONDS) * 1000);
  try {
    yield* liveEvents(stop.signal);
  } finally {
    if (recheck) clearInterval(recheck);
    signal.removeEventListener("abort", onAbort);
    stop.abort();
  }
}
