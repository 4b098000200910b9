import { z } from "zod";
import { PROBE_NAMES } from "~/core/probes";

export const createProbeJobInput = z.object({
  probe: z.enum(PROBE_NAMES),
  durationSeconds: z.number().int().min(1).max(600),
});
