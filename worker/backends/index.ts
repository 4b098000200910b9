import type { RunSpec } from "~/core/spec";
import { env } from "~/server/env";
import { KubernetesBackend } from "./kubernetes/kubernetes-backend";
import { LocalBackend } from "./local/local-backend";
import type { Backend } from "./types";

export function createBackend(spec: RunSpec): Backend {
  switch (spec.backend) {
    case "LOCAL":
      return new LocalBackend();
    case "KUBERNETES":
      // Kubeconfig from KUBECONFIG, ~/.kube/config or the in-cluster service account.
      return new KubernetesBackend({
        ...(env.FORTIO_IMAGE ? { image: env.FORTIO_IMAGE } : {}),
        ...(env.FORTIO_DRIVER_IMAGE ? { driverImage: env.FORTIO_DRIVER_IMAGE } : {}),
        ...(env.BPFTRACE_IMAGE ? { probeImage: env.BPFTRACE_IMAGE } : {}),
      });
  }
}
