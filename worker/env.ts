import { z } from "zod";
import { type PinningSetting, parsePinningSetting } from "~/core/cpu-placement";

/**
 * The worker's own configuration (the programs it runs), validated once like server/env.ts, which
 * holds what web and worker share. Defaults are Debian's paths.
 */
const workerEnvSchema = z.object({
  /** Headless Chromium that prints PDF reports (playwright-core cannot download a browser here). */
  CHROMIUM_PATH: z.string().min(1).default("/usr/bin/chromium"),
  /** nginx for the local backend's nginx proxy pair. */
  MESHBENCH_NGINX: z.string().min(1).default("/usr/sbin/nginx"),
  /** HAProxy for the local backend's haproxy proxy pair. */
  MESHBENCH_HAPROXY: z.string().min(1).default("/usr/sbin/haproxy"),
  /**
   * Where local benchmarks run: "auto" pins them to CPUs of their own (and everything else to the
   * rest) on machines with 4 or more; "off"; or a CPU list for the benchmark, e.g. "2-3".
   */
  LOCAL_CPU_PINNING: z
    .string()
    .default("auto")
    .transform((text, ctx): PinningSetting => {
      const setting = parsePinningSetting(text);
      if (setting) return setting;
      ctx.addIssue({ code: "custom", message: 'must be "auto", "off" or a CPU list such as "2-3"' });
      return z.NEVER;
    }),
});

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

function parseWorkerEnv(source: NodeJS.ProcessEnv): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid worker environment:\n${problems}`);
  }
  return parsed.data;
}

export const workerEnv: WorkerEnv = parseWorkerEnv(process.env);
