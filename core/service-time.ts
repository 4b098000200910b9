import { z } from "zod";

/**
 * Added service time: the local upstream waits this long before answering each request, to make
 * a known slowdown (testing gates, what-if runs). Fixed, or drawn from a distribution with a seeded
 * generator, so a run can be repeated draw for draw (core/service-time-sampler.ts; kept apart so the
 * form's schema does not load the statistics code into the browser).
 */

/** Largest typical delay (fixed, mean, median, upper bound) a spec may ask for. */
export const SERVICE_TIME_MAX_MS = 1_000;
/**
 * No single draw waits longer than this: a long-tailed distribution's rare draw must not reach the
 * load generator's 10 s request timeout and turn into an error instead of a latency.
 */
export const SERVICE_TIME_CAP_MS = 5_000;

const ms = z.number().min(0).max(SERVICE_TIME_MAX_MS);
const seed = z.number().int().min(0).max(0xffff_ffff).optional();

export const serviceTimeSchema = z.discriminatedUnion("distribution", [
  z.object({ distribution: z.literal("fixed"), ms, seed }).strict(),
  z
    .object({ distribution: z.literal("uniform"), minMs: ms, maxMs: ms, seed })
    .strict()
    .refine((u) => u.minMs <= u.maxMs, { message: "minMs must not exceed maxMs", path: ["maxMs"] }),
  z.object({ distribution: z.literal("exponential"), meanMs: ms, seed }).strict(),
  z
    .object({
      distribution: z.literal("lognormal"),
      medianMs: ms,
      /** Shape: the standard deviation of the delay's logarithm. */
      sigma: z.number().min(0).max(2),
      seed,
    })
    .strict(),
]);

export type ServiceTime = z.output<typeof serviceTimeSchema>;

/** Expected delay per request in ms, before the cap (the cap only trims rare draws). */
export function meanServiceTimeMs(t: ServiceTime): number {
  switch (t.distribution) {
    case "fixed":
      return t.ms;
    case "uniform":
      return (t.minMs + t.maxMs) / 2;
    case "exponential":
      return t.meanMs;
    case "lognormal":
      return t.medianMs * Math.exp((t.sigma * t.sigma) / 2);
  }
}

/** "5 ms fixed", "exponential, mean 2 ms": how the run page and the CLI show it. */
export function describeServiceTime(t: ServiceTime | undefined): string {
  if (!t) return "none";
  const seeded = t.seed === undefined ? "" : `, seed ${t.seed}`;
  switch (t.distribution) {
    case "fixed":
      return `${t.ms} ms fixed`;
    case "uniform":
      return `uniform ${t.minMs}–${t.maxMs} ms${seeded}`;
    case "exponential":
      return `exponential, mean ${t.meanMs} ms${seeded}`;
    case "lognormal":
      return `lognormal, median ${t.medianMs} ms, σ ${t.sigma}${seeded}`;
  }
}
