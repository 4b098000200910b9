import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigSources } from "~/server/env";

/** No usable kubeconfig: the message is what the cluster page shows after "not connected: ". */
export class KubernetesNotConfiguredError extends Error {
  override name = "KubernetesNotConfiguredError";
}

/**
 * KUBECONFIG, ~/.kube/config or the in-cluster service account, the order kubectl uses. Throws
 * KubernetesNotConfiguredError when there is none, instead of client-node's silent fallback to
 * http://localhost:8080, which would turn "no cluster configured" into a confusing connection error.
 */
export function defaultKubeConfig(): KubeConfig {
  const { files: fromEnv, inCluster } = kubeconfigSources();
  if (fromEnv.length > 0) {
    if (!fromEnv.some((file) => existsSync(file)))
      throw new KubernetesNotConfiguredError(`KUBECONFIG names ${fromEnv.join(", ")}, which does not exist`);
  } else if (!inCluster && !existsSync(path.join(homedir(), ".kube", "config"))) {
    throw new KubernetesNotConfiguredError(
      "no kubeconfig: set KUBECONFIG, create ~/.kube/config, or run the worker in the cluster with its service account",
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (error) {
    throw new KubernetesNotConfiguredError(`the kubeconfig could not be read: ${(error as Error).message}`);
  }
  if (!kc.getCurrentCluster()) throw new KubernetesNotConfiguredError("the kubeconfig has no current context with a cluster");
  return kc;
}
