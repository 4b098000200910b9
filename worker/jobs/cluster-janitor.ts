import type { KubeConfig } from "@kubernetes/client-node";
import { defaultKubeConfig } from "~/server/cluster/kubeconfig";
import { db } from "~/server/db/client";
import { deleteLeftoverNamespaces } from "../backends/kubernetes/kubernetes-backend";

/**
 * Deletes the namespaces of Kubernetes runs that are no longer RUNNING (a worker that crashed
 * mid-run cannot delete its own). The worker calls it at start-up and whenever the reconciler
 * fails stale runs, so a crashed run's namespace goes within a heartbeat timeout of the crash.
 * Without a kubeconfig there is nothing to sweep.
 */
export async function sweepLeftoverNamespaces(
  log: (message: string) => void,
  kubeConfig: () => KubeConfig = defaultKubeConfig,
): Promise<string[]> {
  let kc: KubeConfig;
  try {
    kc = kubeConfig();
  } catch {
    return [];
  }
  return deleteLeftoverNamespaces(
    kc,
    async (runId) => (await db.benchmarkRun.findUnique({ where: { id: runId }, select: { status: true } }))?.status === "RUNNING",
    log,
  );
}
