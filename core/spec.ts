import { z } from "zod";
import { BACKENDS, MESH_PROFILES, MESHES } from "./meshes";
import { PROBE_NAMES } from "./probes";
import { meanServiceTimeMs, serviceTimeSchema } from "./service-time";
import { plainTextSchema } from "./text";
import { RECOMMENDED_REPETITIONS } from "./verdict";

/**
 * A benchmark's specification. Validated at every edge (tRPC input, worker job) so a run
 * that reaches the worker is always runnable.
 */
export const loadModeSchema = z.enum(["fixed-rate", "max"]);
export type LoadMode = z.infer<typeof loadModeSchema>;

export const runSpecSchema = z
  .object({
    backend: z.enum(BACKENDS).default("LOCAL"),
    mesh: z.enum(MESH_PROFILES),
    mode: loadModeSchema.default("fixed-rate"),
    /** Requests per second; required for fixed-rate, ignored for max. */
    rate: z.number().int().min(1).max(100_000).optional(),
    connections: z.number().int().min(1).max(1_000).default(16),
    durationSeconds: z.number().int().min(1).max(3_600).default(10),
    warmupSeconds: z.number().int().min(0).max(600).default(2),
    payloadBytes: z.number().int().min(0).max(1_048_576).default(1_024),
    /** A difference between runs gets an interval only with repetitions to show run-to-run variation. */
    repetitions: z.number().int().min(1).max(20).default(RECOMMENDED_REPETITIONS),
    /** eBPF probes attached to every repetition (started before the load, stopped after). */
    probes: z
      .array(z.enum(PROBE_NAMES))
      .max(PROBE_NAMES.length)
      .refine((list) => new Set(list).size === list.length, "Each probe once")
      .default([]),
    /** Added to every response by the local upstream (core/service-time.ts); absent: none. */
    serviceTime: serviceTimeSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.mode === "fixed-rate" && spec.rate === undefined) {
      ctx.addIssue({ code: "custom", path: ["rate"], message: "A fixed-rate run needs a target rate" });
    }
    if (spec.mode === "fixed-rate" && spec.rate !== undefined && spec.rate < spec.connections) {
      ctx.addIssue({
        code: "custom",
        path: ["connections"],
        message: "More connections than requests per second: lower connections or raise the rate",
      });
    }
    if (spec.serviceTime && spec.backend !== "LOCAL") {
      ctx.addIssue({
        code: "custom",
        path: ["serviceTime"],
        message: "An added service time needs the local backend (its upstream adds it)",
      });
    }
    // Each connection carries one request at a time: past rate × service time in flight, the queue only grows.
    const inFlight = spec.serviceTime && spec.rate !== undefined ? (spec.rate * meanServiceTimeMs(spec.serviceTime)) / 1_000 : 0;
    if (spec.mode === "fixed-rate" && inFlight >= spec.connections) {
      ctx.addIssue({
        code: "custom",
        path: ["serviceTime"],
        message: `At ${spec.rate} req/s this service time keeps ${inFlight.toFixed(1)} requests in flight on average: more than ${spec.connections} connections can carry; raise connections or lower the rate`,
      });
    }
    if (!MESHES[spec.mesh].backends.includes(spec.backend)) {
      ctx.addIssue({
        code: "custom",
        path: ["mesh"],
        message: `Profile "${spec.mesh}" cannot run on the ${spec.backend.toLowerCase()} backend`,
      });
    }
  });

export type RunSpecInput = z.input<typeof runSpecSchema>;
export type RunSpec = z.output<typeof runSpecSchema>;

export const runNameSchema = plainTextSchema.trim().min(1, "Give the run a name").max(120);

/** Total wall time one repetition takes, for progress and timeouts. */
export function repetitionSeconds(spec: RunSpec): number {
  return spec.warmupSeconds + spec.durationSeconds;
}

/** What one run may cost the machine: every field within its range can still add up to a day. */
export interface RunLimits {
  /** Wall time over all repetitions, warm-ups included. */
  maxRunSeconds: number;
  /** Requests a fixed-rate run may ask for over all repetitions, warm-ups included. */
  maxRunRequests: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxRunSeconds: 2 * 60 * 60, maxRunRequests: 50_000_000 };

/** Why a spec exceeds the limits, one message per limit it breaks; empty when it fits. */
export function runLimitProblems(spec: RunSpec, limits: RunLimits): string[] {
  const problems: string[] = [];
  const seconds = spec.repetitions * repetitionSeconds(spec);
  if (seconds > limits.maxRunSeconds) {
    problems.push(
      `The run would take ${seconds} s (${spec.repetitions} × (${spec.warmupSeconds} s warm-up + ${spec.durationSeconds} s)); the limit is ${limits.maxRunSeconds} s`,
    );
  }
  if (spec.mode === "fixed-rate" && spec.rate !== undefined) {
    const requests = spec.rate * seconds;
    if (requests > limits.maxRunRequests) {
      problems.push(
        `The run would send ${requests.toLocaleString("en-US")} requests (rate × time); the limit is ${limits.maxRunRequests.toLocaleString("en-US")}`,
      );
    }
  }
  return problems;
}
