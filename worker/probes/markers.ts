/**
 * MeshBench's programs frame their output with printf markers carrying bpftrace's `elapsed` (ns
 * since bpftrace started), so intervals get exact durations and the map dump bpftrace prints on
 * exit (after "end") is recognised and ignored.
 */
export const MARKER_PREFIX = "meshbench:";
export type MarkerKind = "begin" | "tick" | "end";

export function markerPrintf(kind: MarkerKind): string {
  return `printf("${MARKER_PREFIX}${kind} %llu\\n", elapsed);`;
}

export function parseMarker(text: string): { kind: MarkerKind; elapsedNs: number } | null {
  const match = /^meshbench:(begin|tick|end) (\d+)\n?$/.exec(text);
  if (!match?.[1] || !match[2]) return null;
  return { kind: match[1] as MarkerKind, elapsedNs: Number(match[2]) };
}
