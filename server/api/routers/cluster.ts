import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { clusterStatus } from "~/server/cluster/cluster-status";
import { clusterStatusInput } from "~/server/cluster/schemas";

export const clusterRouter = createTRPCRouter({
  /** Reachability, version, nodes and detected meshes; `fresh` skips the 10 s cache. Never throws for a cluster problem. */
  status: protectedProcedure.input(clusterStatusInput).query(({ input }) => clusterStatus(input.fresh)),
});
