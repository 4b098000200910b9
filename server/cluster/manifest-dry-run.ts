import { TRPCError } from "@trpc/server";
import { stringify } from "yaml";
import { runObjects } from "~/core/kubernetes-manifests";
import { isKubernetesMesh, kubernetesMeshProfile } from "~/core/kubernetes-meshes";
import type { RunSpec } from "~/core/spec";
import { env } from "~/server/env";
import { findRunFigures } from "~/server/runs/run-figures";
import { clusterStatus } from "./cluster-status";
import type { ManifestDryRunInput } from "./schemas";

/** The run id a spec that is not a run yet is shown with: its namespace is meshbench-dryrun. */
export const DRY_RUN_ID = "dry-run";

export interface ManifestDryRun {
  /** Every object, in creation order, as one multi-document YAML stream. */
  yaml: string;
  /** "Namespace/meshbench-…", "Job/fortio-client-1", … */
  objects: string[];
  /** What the YAML cannot show exactly (e.g. the client's node, chosen at run time). */
  notes: string[];
}

/**
 * Every object the worker would create for a spec (or a stored run's spec), as YAML to read or to
 * feed to `kubectl apply --dry-run=server -f -`. Reads the cluster only for the mesh's revision
 * (Istio's istio.io/rev); mutates nothing.
 */
export async function manifestDryRun(input: ManifestDryRunInput): Promise<ManifestDryRun> {
  let runId = DRY_RUN_ID;
  let spec: RunSpec;
  if ("runId" in input) {
    const run = await findRunFigures(input.runId);
    if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
    if (!run.spec) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This run's stored spec is not valid any more." });
    runId = run.id;
    spec = run.spec;
  } else {
    spec = input.spec;
  }
  if (spec.backend !== "KUBERNETES" || !isKubernetesMesh(spec.mesh))
    throw new TRPCError({ code: "BAD_REQUEST", message: "Only a Kubernetes run has manifests: this spec runs on this machine." });

  const notes = [
    "The client Jobs are pinned to a node the worker chooses when the run starts (ready, schedulable, another than the server's); that affinity is not shown.",
  ];
  if (spec.probes.length > 0)
    notes.push("The eBPF probes' ConfigMaps and Jobs are created per node at run time and are not shown.");
  let revision: string | null = null;
  if (kubernetesMeshProfile(spec.mesh).join.revisionNamespaceLabel) {
    const status = await clusterStatus();
    revision = status.connected ? (status.meshes.find((m) => m.mesh === spec.mesh)?.revision ?? null) : null;
    notes.push(
      revision
        ? `istio.io/rev is the revision of the cluster's istiod: ${revision}.`
        : 'istio.io/rev is "default": the cluster\'s istiod revision could not be read.',
    );
  }
  const objects = runObjects({
    runId,
    spec,
    revision,
    ...(env.FORTIO_IMAGE ? { image: env.FORTIO_IMAGE } : {}),
    ...(env.FORTIO_DRIVER_IMAGE ? { driverImage: env.FORTIO_DRIVER_IMAGE } : {}),
  });
  return {
    yaml: objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n"),
    objects: objects.map((o) => `${o.kind}/${o.metadata.name}`),
    notes,
  };
}
