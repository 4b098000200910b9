import type { TrpcCall } from "./trpc-url";

/** A dashboard query call, typed by procedure so it can also be made in-process. */
export type RunsCall =
  | { procedure: "runs.list"; input: { limit: number; cursor?: string; status?: "FAILED" } }
  | { procedure: "runs.get"; input: { id: string } }
  | { procedure: "compare.runs"; input: { runIds: string[] } };

/** One dashboard request shape: each batch is one HTTP request (one tRPC batch). */
export interface Endpoint {
  key: string;
  label: string;
  batches: RunsCall[][];
}

const PAGE = 25; // what the runs table asks for

/** The dashboard's requests against the seeded runs; `ids` are finished runs, `cursors` any runs. */
export function dashboardEndpoints(ids: readonly string[], cursors: readonly string[]): Endpoint[] {
  const get = (id: string): RunsCall => ({ procedure: "runs.get", input: { id } });
  const groups: string[][] = [];
  for (let i = 0; i + 8 <= ids.length; i += 8) groups.push(ids.slice(i, i + 8));
  return [
    { key: "list-first", label: "runs.list, first page (25)", batches: [[{ procedure: "runs.list", input: { limit: PAGE } }]] },
    {
      key: "list-cursor",
      label: "runs.list, page after a random cursor",
      batches: cursors.map((cursor) => [{ procedure: "runs.list", input: { limit: PAGE, cursor } }]),
    },
    {
      key: "list-status",
      label: "runs.list, status=FAILED filter, first page",
      batches: [[{ procedure: "runs.list", input: { limit: PAGE, status: "FAILED" } }]],
    },
    { key: "get", label: "runs.get (one run with its results)", batches: ids.map((id) => [get(id)]) },
    {
      key: "compare8",
      label: "comparison of 8 runs = 8 × runs.get in one batched HTTP call",
      batches: groups.map((g) => g.map(get)),
    },
    {
      key: "compare-runs",
      label: "compare.runs with 8 runs (the compare page's own query)",
      batches: groups.map((runIds) => [{ procedure: "compare.runs", input: { runIds } }]),
    },
  ];
}

export function asTrpcCalls(batch: readonly RunsCall[]): TrpcCall[] {
  return batch.map((c) => ({ procedure: c.procedure, input: c.input }));
}
