import type { HistBucket } from "~/core/parsers/bpftrace";
import type { IntervalMaps } from "../intervals";

/**
 * Typed views of one interval's printed maps. A map absent from the interval had no events
 * (bpftrace prints nothing for an empty keyed map), which is a real zero, not a gap.
 */
export interface CountEntry {
  /** Key parts; [] for a map without keys. */
  parts: string[];
  value: number;
}

export function countEntries(maps: IntervalMaps, name: string): CountEntry[] {
  const record = maps.get(name);
  if (!record || record.type === "hist") return [];
  const numeric = (v: unknown): v is number => typeof v === "number";
  if (!record.data.keyed) return numeric(record.data.value) ? [{ parts: [], value: record.data.value }] : [];
  return record.data.entries.flatMap((e) => (numeric(e.value) ? [{ parts: e.parts, value: e.value }] : []));
}

export interface HistEntry {
  parts: string[];
  buckets: HistBucket[];
}

export function histEntries(maps: IntervalMaps, name: string): HistEntry[] {
  const record = maps.get(name);
  if (record?.type !== "hist") return [];
  if (!record.data.keyed) return [{ parts: [], buckets: record.data.value }];
  return record.data.entries.map((e) => ({ parts: e.parts, buckets: e.value }));
}

/** A key's trailing string part (a comm), which may itself contain the "," bpftrace joins keys with. */
export function restOf(parts: readonly string[], from: number): string {
  return parts.slice(from).join(",");
}
