"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RunSpec } from "~/core/spec";
import { useTRPC } from "~/trpc/react";

/**
 * The manifest dry run: every object the worker would create for a run (or the form's spec), as
 * YAML, fetched only when opened. Nothing is created.
 */
export function ManifestDryRun({ input }: { input: { runId: string } | { spec: RunSpec } }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const query = useQuery(trpc.cluster.manifests.queryOptions(input, { enabled: open }));
  return (
    <details className="manifests" data-testid="manifest-dry-run" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Manifests (dry run): what the worker creates on the cluster</summary>
      {query.isPending && open && <div className="muted">Rendering…</div>}
      {query.isError && <div className="form-error">{query.error.message}</div>}
      {query.data && (
        <>
          <p className="muted" style={{ fontSize: 12 }}>
            {query.data.objects.length} objects, in the order they are created. Check them with{" "}
            <code>kubectl apply --dry-run=server -f manifests.yaml</code>. {query.data.notes.join(" ")}
          </p>
          <pre className="mono" data-testid="manifest-yaml" style={{ maxHeight: 480, overflow: "auto", fontSize: 12 }}>
            {query.data.yaml}
          </pre>
        </>
      )}
    </details>
  );
}
