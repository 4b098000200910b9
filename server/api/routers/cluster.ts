import { createTRPCRouter, protectedProcedure } from "~/server/api/trpc";
import { clusterStatus } from "~/server/cluster/cluster-status";
import { manifestDryRun } from "~/server/cluster/manifest-dry-run";
import { clusterStatusInput, manifestDryRunInput } from "~/server/cluster/schemas";

export const clusterRouter = createTRPCRouter({
  /** Reachability, version, nodes and detected meshes; `fresh` skips the 10 s cache. Never throws for a cluster problem. */
  status: protectedProcedure.input(clusterStatusInput).query(({ input }) => clusterStatus(input.fresh)),
  /** Every object the worker would create for a run or a spec, as YAML. Creates nothing, so viewers may read it. */
  manifests: protectedProcedure.input(manifestDryRunInput).query(({ input }) => manifestDryRun(input)),
});
