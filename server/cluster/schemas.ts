import { z } from "zod";
import { runSpecSchema } from "~/core/spec";
import { idSchema } from "~/server/api/schemas";

/** `fresh` skips the cluster status cache. */
export const clusterStatusInput = z.object({ fresh: z.boolean().default(false) }).default({ fresh: false });

/** A stored run's manifests, or a spec's (the new-run form): validated like runs.create's spec. */
export const manifestDryRunInput = z.union([z.object({ runId: idSchema }).strict(), z.object({ spec: runSpecSchema }).strict()]);
export type ManifestDryRunInput = z.infer<typeof manifestDryRunInput>;
