import { z } from "zod";
import { latencySummarySchema } from "~/core/result";

/** What the parent asks one load-generator child to do (argv[2], JSON). */
export const childInputSchema = z.object({
  url: z.string(),
  mode: z.enum(["open", "closed"]),
  rate: z.number().positive().optional(),
  connections: z.number().int().positive(),
  durationMs: z.number().positive(),
  warmupMs: z.number().min(0),
  /** Open loop only: also split latency into send lateness and service time (latency-split.ts). */
  diagnose: z.boolean().optional(),
});
export type ChildInput = z.infer<typeof childInputSchema>;

/** One stdout line of the child: the window edges as they happen, then the result. */
export const childMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("window"), edge: z.enum(["start", "end"]), wallMs: z.number() }),
  z.object({
    type: z.literal("result"),
    actualRate: z.number(),
    successes: z.number(),
    errors: z.record(z.string(), z.number()),
    histogramBase64: z.string(),
    latency: latencySummarySchema.nullable(),
    perSecond: z.array(z.number()),
    measuredSeconds: z.number(),
    startedAtMs: z.number(),
    finishedAtMs: z.number(),
    /** CPU (user + system, all threads) between the window edges, ms. */
    windowCpuMs: z.number(),
    /** Progress callbacks: completions per ~1 s interval (by completion time), with the elapsed time. */
    intervals: z.array(z.object({ elapsedMs: z.number(), responses: z.number() })),
    split: z
      .object({
        latenessP50Us: z.number(),
        latenessP99Us: z.number(),
        serviceP50Us: z.number(),
        serviceP99Us: z.number(),
        chargedWaitP99Us: z.number(),
        chargedShare: z.number(),
      })
      .nullable(),
  }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
export type ChildResult = Extract<ChildMessage, { type: "result" }>;
