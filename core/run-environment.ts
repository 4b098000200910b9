import { z } from "zod";

/**
 * Where a run ran, as the worker found it when the workload was ready: the URL the load generator
 * targeted, the cluster's version (Kubernetes runs), and the machines used with their size. Each
 * figure only when it was read; exports (SMP's EnvironmentConfig, the run JSON) leave out the rest.
 */

export const runEnvironmentNodeSchema = z.object({
  /** The node's name on a cluster; "local" for this machine. */
  name: z.string(),
  /** What ran there: the load generator (client), the upstream (server), or everything (local). */
  roles: z.array(z.enum(["client", "server", "local"])),
  /** The node's `node.kubernetes.io/instance-type` label (a cloud machine type); null when absent or local. */
  instanceType: z.string().nullable(),
  cpuCores: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  kernel: z.string().nullable(),
  architecture: z.string().nullable(),
});

export const runEnvironmentSchema = z.object({
  /** What the load generator sent its requests to. */
  targetUrl: z.string().nullable(),
  /** The API server's gitVersion; null for local runs or when it could not be read. */
  kubernetesVersion: z.string().nullable(),
  nodes: z.array(runEnvironmentNodeSchema),
});

export type RunEnvironment = z.infer<typeof runEnvironmentSchema>;
export type RunEnvironmentNode = z.infer<typeof runEnvironmentNodeSchema>;
