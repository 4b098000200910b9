import { z } from "zod";

/** `fresh` skips the cluster status cache. */
export const clusterStatusInput = z.object({ fresh: z.boolean().default(false) }).default({ fresh: false });
