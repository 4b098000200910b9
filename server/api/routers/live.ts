import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { liveStream } from "~/server/live/stream";

export const liveRouter = createTRPCRouter({
  /** Every run's, probe job's and report's state changes and a running benchmark's per-second figures. */
  events: protectedProcedure.subscription(({ ctx, signal }) =>
    liveStream(signal ?? new AbortController().signal, ctx.callerStillValid),
  ),
});
