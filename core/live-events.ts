import { z } from "zod";
import { RUN_STATUSES } from "./run-status";

/**
 * What the worker (and the web, for what it changes itself) pushes to open pages: a row's
 * lifecycle state, and a run's latest per-second figures. Pages merge them into what they hold
 * instead of asking the server again every second.
 */
export const rowEventSchema = z.object({
  type: z.literal("row"),
  table: z.enum(["BenchmarkRun", "ProbeJob", "Report"]),
  id: z.string().min(1).max(64),
  status: z.enum(RUN_STATUSES),
  /** Null when the publisher does not know it (a row settled for a dead worker). */
  progress: z.number().min(0).max(100).nullable(),
  /** Absent when the publisher does not know it (a cancel request made on the web). */
  phase: z.string().max(200).nullable().optional(),
  cancelRequested: z.boolean().optional(),
});

/** One interval of a running benchmark's load generator, as the live charts plot it. */
export const intervalEventSchema = z.object({
  type: z.literal("interval"),
  runId: z.string().min(1).max(64),
  /** Epoch milliseconds of the interval's end. */
  at: z.number(),
  completionsPerSecond: z.number().min(0),
  errorsPerSecond: z.number().min(0),
  p50Us: z.number().min(0).nullable(),
  p99Us: z.number().min(0).nullable(),
});

export const liveEventSchema = z.discriminatedUnion("type", [rowEventSchema, intervalEventSchema]);

export type RowEvent = z.infer<typeof rowEventSchema>;
export type IntervalEvent = z.infer<typeof intervalEventSchema>;
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** A message off the channel, or null when it is not one of ours (never trusted blindly). */
export function parseLiveEvent(message: string): LiveEvent | null {
  try {
    const parsed = liveEventSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
