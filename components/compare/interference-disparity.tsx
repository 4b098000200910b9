"use client";

import { useQueries } from "@tanstack/react-query";
import { interferenceDisparity } from "~/core/interference";
import { useTRPC } from "~/trpc/react";

/**
 * A warning on the compare page when its runs had very different amounts of other activity on
 * the machine; nothing otherwise. Reads each run as the run page does (runs.get), already cached
 * when the user came from a run.
 */
export function InterferenceDisparity({ runIds }: { runIds: string[] }) {
  const trpc = useTRPC();
  const runs = useQueries({ queries: runIds.map((id) => trpc.runs.get.queryOptions({ id })) });
  if (runs.some((r) => !r.data)) return null;
  const warning = interferenceDisparity(
    runs.flatMap((r) => (r.data ? [{ name: r.data.name, interference: r.data.interference }] : [])),
  );
  if (!warning) return null;
  return (
    <div className="notice warning" role="alert" data-testid="compare-interference">
      {warning}
    </div>
  );
}
