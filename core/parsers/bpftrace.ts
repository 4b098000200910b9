/**
 * Parser for `bpftrace -f json` output (checked against bpftrace 0.17, whose JSON writer is
 * src/output.cpp): one JSON object per line. Pure, no I/O: the worker feeds it a live stdout, the
 * Kubernetes backend feeds it a pod's log, tests feed it recorded fixtures.
 *
 * It never throws: a line it cannot read (not JSON, unknown "type", unexpected shape) becomes an
 * `unknown` record that keeps the raw text and says why, so a newer bpftrace degrades to
 * "reported, not understood" instead of a crashed run.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One histogram bucket, bounds inclusive. `min: null` is bpftrace's "(..., 0)" bucket of
 * negative values (hist) or "below min" (lhist); `max: null` is lhist's "[max, ...)" overflow.
 */
export interface HistBucket {
  min: number | null;
  max: number | null;
  count: number;
}

export interface KeyedEntry<T> {
  /** The key as bpftrace printed it; multi-part keys (`@m[pid, comm]`) are joined with ",". */
  key: string;
  /** `key` split on ","; best effort, since a string part may itself contain a comma. */
  parts: string[];
  value: T;
}

/** A map printed without keys (`@x = count()`) or with keys (`@x[comm] = count()`). */
export type MapData<T> = { keyed: false; value: T } | { keyed: true; entries: KeyedEntry<T>[] };

export interface StatsValue {
  count: number;
  average: number;
  total: number;
}

/** Every record type bpftrace 0.17 prints in JSON mode, plus `unknown` for anything else. */
export type BpftraceRecord =
  | { type: "attached_probes"; probes: number }
  /** printf(), time(), cat(), join() and system() (type "syscall") all carry text. */
  | { type: "printf" | "time" | "cat" | "join" | "syscall"; text: string }
  /** print() of a non-map value: an integer, string or tuple. */
  | { type: "value"; value: JsonValue }
  | { type: "map"; name: string; data: MapData<JsonValue> }
  | { type: "hist"; name: string; scale: "log2" | "linear"; data: MapData<HistBucket[]> }
  /** stats() prints {count, average, total}; avg() is printed under "stats" as a bare number. */
  | { type: "stats"; name: string; data: MapData<StatsValue | number> }
  | { type: "lost_events"; events: number }
  /** Only printed with `bpftrace -k`: a BPF helper (e.g. map_update_elem when a map is full) failed. */
  | { type: "helper_error"; helper: string; retcode: number; line: number; col: number }
  | { type: "unknown"; raw: string; reason: string };

export type TextRecordType = "printf" | "time" | "cat" | "join" | "syscall";
const TEXT_TYPES: readonly string[] = ["printf", "time", "cat", "join", "syscall"] satisfies TextRecordType[];

type JsonObject = { [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNumber(v: JsonValue | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function unknown(raw: string, reason: string): BpftraceRecord {
  return { type: "unknown", raw, reason };
}

/** Parses one line; null for blank lines (bpftrace prints two of them before its exit dump). */
export function parseBpftraceLine(line: string): BpftraceRecord | null {
  const raw = line.trim();
  if (raw === "") return null;
  let json: JsonValue;
  try {
    json = JSON.parse(raw) as JsonValue;
  } catch {
    return unknown(raw, "not JSON");
  }
  if (!isObject(json) || typeof json.type !== "string") return unknown(raw, "no type field");
  try {
    return interpret(json.type, json, raw);
  } catch (error) {
    // Defensive: a shape we did not foresee must not take the run down.
    return unknown(raw, `unreadable ${json.type} record: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function interpret(type: string, json: JsonObject, raw: string): BpftraceRecord {
  const data = json.data;
  if (TEXT_TYPES.includes(type)) {
    if (typeof data !== "string") return unknown(raw, `${type} without text data`);
    return { type: type as TextRecordType, text: data };
  }
  switch (type) {
    case "attached_probes":
      return isObject(data) && isNumber(data.probes)
        ? { type, probes: data.probes }
        : unknown(raw, "attached_probes without a count");
    case "lost_events":
      return isObject(data) && isNumber(data.events)
        ? { type, events: data.events }
        : unknown(raw, "lost_events without a count");
    case "helper_error": {
      const { helper, retcode, line, col } = json;
      if (typeof helper !== "string" || !isNumber(retcode)) return unknown(raw, "helper_error without helper/retcode");
      return { type, helper, retcode, line: isNumber(line) ? line : 0, col: isNumber(col) ? col : 0 };
    }
    case "value":
      return data === undefined ? unknown(raw, "value without data") : { type, value: data };
    case "map":
    case "hist":
    case "stats":
      return interpretMapRecord(type, data, raw);
    default:
      return unknown(raw, `unknown record type "${type}"`);
  }
}

function interpretMapRecord(type: "map" | "hist" | "stats", data: JsonValue | undefined, raw: string): BpftraceRecord {
  // bpftrace wraps every map in {"@name": ...}; print() of one map never has two names.
  if (!isObject(data)) return unknown(raw, `${type} without a map object`);
  const names = Object.keys(data);
  const name = names[0];
  if (names.length !== 1 || name === undefined) return unknown(raw, `${type} record with ${names.length} maps`);
  const body = data[name];
  if (body === undefined) return unknown(raw, `${type} record without a body`);

  if (type === "map") {
    // A keyed map is an object of key → value. (A keyless map holding a struct value looks the
    // same; MeshBench's programs never print one.)
    return { type, name, data: isObject(body) ? keyed(body, (v) => v) : { keyed: false, value: body } };
  }

  if (type === "hist") {
    const hist = Array.isArray(body)
      ? { keyed: false as const, value: toBuckets(body) }
      : isObject(body)
        ? keyed(body, toBuckets)
        : null;
    if (!hist) return unknown(raw, "hist body is neither buckets nor keyed buckets");
    const all = hist.keyed ? hist.entries.flatMap((e) => e.value) : hist.value;
    return { type, name, scale: all.every(isLog2Bucket) ? "log2" : "linear", data: hist };
  }

  if (isNumber(body) || isStatsValue(body)) return { type, name, data: { keyed: false, value: toStats(body) } };
  if (!isObject(body)) return unknown(raw, "stats body is neither a value nor keyed values");
  return { type, name, data: keyed(body, toStats) };
}

function keyed<T>(body: JsonObject, convert: (v: JsonValue) => T): MapData<T> {
  return {
    keyed: true,
    entries: Object.entries(body).map(([key, value]) => ({ key, parts: key.split(","), value: convert(value) })),
  };
}

function toBuckets(v: JsonValue): HistBucket[] {
  if (!Array.isArray(v)) throw new Error("histogram is not an array");
  return v.map((b) => {
    if (!isObject(b) || !isNumber(b.count)) throw new Error("bucket without a count");
    return { min: isNumber(b.min) ? b.min : null, max: isNumber(b.max) ? b.max : null, count: b.count };
  });
}

function isStatsValue(v: JsonValue): v is { count: number; average: number; total: number } {
  return isObject(v) && isNumber(v.count) && isNumber(v.average) && isNumber(v.total) && Object.keys(v).length === 3;
}

function toStats(v: JsonValue): StatsValue | number {
  if (isNumber(v)) return v;
  if (isStatsValue(v)) return { count: v.count, average: v.average, total: v.total };
  throw new Error("stats value is neither a number nor {count, average, total}");
}

/** bpftrace's hist() buckets: (-inf, -1], [0, 0], [1, 1], then [2^k, 2^(k+1) - 1]. */
function isLog2Bucket(b: HistBucket): boolean {
  if (b.min === null) return b.max === -1;
  if (b.max === null) return false;
  if (b.min === 0 || b.min === 1) return b.max === b.min;
  return Number.isInteger(Math.log2(b.min)) && b.max === b.min * 2 - 1;
}

/** Parses a whole output (a recorded file or a pod log). */
export function parseBpftraceOutput(text: string): BpftraceRecord[] {
  const records: BpftraceRecord[] = [];
  for (const line of text.split("\n")) {
    const record = parseBpftraceLine(line);
    if (record) records.push(record);
  }
  return records;
}

/**
 * Cuts a stream of chunks into lines: stdout arrives in arbitrary pieces, and a record split
 * across two chunks must not become two unreadable halves.
 */
export function createLineSplitter(): { push(chunk: string): string[]; flush(): string[] } {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      return lines;
    },
    flush() {
      const rest = pending;
      pending = "";
      return rest === "" ? [] : [rest];
    },
  };
}

// ---- histogram arithmetic (log2 or linear buckets, as bpftrace prints them) ----

export function histogramCount(buckets: readonly HistBucket[]): number {
  return buckets.reduce((sum, b) => sum + b.count, 0);
}

/** Adds histograms bucket by bucket (same bounds = same bucket); result sorted by bounds. */
export function mergeLog2Buckets(...histograms: readonly (readonly HistBucket[])[]): HistBucket[] {
  const byBounds = new Map<string, HistBucket>();
  for (const buckets of histograms) {
    for (const b of buckets) {
      const id = `${b.min}:${b.max}`;
      const seen = byBounds.get(id);
      if (seen) seen.count += b.count;
      else byBounds.set(id, { ...b });
    }
  }
  const low = (b: HistBucket) => b.min ?? Number.NEGATIVE_INFINITY;
  return [...byBounds.values()].sort((a, b) => low(a) - low(b));
}

/**
 * The q-quantile (0..1), interpolated linearly inside its bucket the way Prometheus's
 * histogram_quantile does: exact to the bucket, a guess within it. Open buckets return their one
 * finite bound. null for an empty histogram: no data is not zero.
 */
export function histogramQuantile(buckets: readonly HistBucket[], q: number): number | null {
  const total = histogramCount(buckets);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (const b of buckets) {
    if (b.count === 0) continue;
    if (seen + b.count >= rank) {
      if (b.min === null) return b.max;
      if (b.max === null) return b.min;
      // Integer buckets [min, max] cover the real interval [min, max + 1).
      return b.min + ((rank - seen) / b.count) * (b.max + 1 - b.min);
    }
    seen += b.count;
  }
  const last = buckets.findLast((b) => b.count > 0);
  return last ? (last.max ?? last.min) : null;
}
