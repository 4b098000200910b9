/** One query procedure call: its path and input (plain JSON: superjson sends it as { json }). */
export interface TrpcCall {
  procedure: string;
  input: Record<string, unknown>;
}

/**
 * The GET path tRPC's httpBatchLink uses for queries: procedures joined by commas,
 * `batch=1`, and `input` = { "0": { json: input0 }, "1": ... } (superjson's wire shape).
 */
export function trpcBatchPath(calls: readonly TrpcCall[]): string {
  if (calls.length === 0) throw new RangeError("trpcBatchPath: no calls");
  const input = Object.fromEntries(calls.map((c, i) => [String(i), { json: c.input }]));
  return `/api/trpc/${calls.map((c) => c.procedure).join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
}
