import { z } from "zod";
import { BACKENDS, MESH_PROFILES, MESHES } from "./meshes";
import { PROBE_NAMES } from "./probes";

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
    repetitions: z.number().int().min(1).max(20).default(1),
    /** eBPF probes attached to every repetition (started before the load, stopped after). */
    probes: z
      .array(z.enum(PROBE_NAMES))
      .max(PROBE_NAMES.length)
      .refine((list) => new Set(list).size === list.length, "Each probe once")
      .default([]),
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

export const runNameSchema = z.string().trim().min(1, "Give the run a name").max(120);

/** Total wall time one repetition takes, for progress and timeouts. */
export function repetitionSeconds(spec: RunSpec): number {
  return spec.warmupSeconds + spec.durationSeconds;
}
