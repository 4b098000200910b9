import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { clusterStatus } from "~/server/cluster/cluster-status";

export const clusterRouter = createTRPCRouter({
  /** Reachability, version, nodes and detected meshes; `fresh` skips the 10 s cache. Never throws for a cluster problem. */
  status: protectedProcedure
    .input(z.object({ fresh: z.boolean().default(false) }).default({ fresh: false }))
    .query(({ input }) => clusterStatus(input.fresh)),
});
