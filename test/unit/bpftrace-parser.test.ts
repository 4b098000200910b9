import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BpftraceRecord,
  createLineSplitter,
  type HistBucket,
  histogramCount,
  histogramQuantile,
  mergeLog2Buckets,
  parseBpftraceLine,
  parseBpftraceOutput,
} from "~/core/parsers/bpftrace";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/bpftrace");
const fixture = (name: string) => parseBpftraceOutput(readFileSync(path.join(fixtures, name), "utf8"));

/** The record variant whose type field admits T (text records share one variant). */
type RecordOf<T extends BpftraceRecord["type"]> = BpftraceRecord extends infer R
  ? R extends { type: infer U }
    ? T extends U
      ? R
      : never
    : never
  : never;

function only<T extends BpftraceRecord["type"]>(records: BpftraceRecord[], type: T, name?: string): RecordOf<T> {
  const found = records.filter((r) => r.type === type && (!name || ("name" in r && r.name === name)));
  expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
  return found[0] as RecordOf<T>;
}

describe("parseBpftraceOutput on real bpftrace 0.17 output (record-types.jsonl)", () => {
  const records = fixture("record-types.jsonl");

  it("understands every line: no unknown records, blank lines skipped", () => {
    expect(records.filter((r) => r.type === "unknown")).toEqual([]);
    const types = new Set(records.map((r) => r.type));
    for (const t of ["attached_probes", "printf", "join", "time", "cat", "syscall", "value", "map", "hist", "stats"])
      expect(types).toContain(t);
  });

  it("reads the text records, unescaping quotes and tabs", () => {
    expect(only(records, "attached_probes").probes).toBe(5);
    expect(only(records, "printf").text).toBe('fixture "quoted" tab\there\n');
    expect(only(records, "join").text).toBe("/usr/bin/env true meshbench-fixture");
    expect(only(records, "time").text).toMatch(/^\d{4}\n$/);
    expect(only(records, "cat").text).toBe("Linux\n");
    expect(only(records, "syscall").text).toBe("from system\n");
  });

  it("reads print() of plain values: integer, string, tuple", () => {
    const values = records.filter((r) => r.type === "value").map((r) => r.value);
    expect(values).toEqual([42, "text", [1, "two", 3]]);
  });

  it("reads a log2 histogram with its negative, zero and one buckets", () => {
    const h = only(records, "hist", "@h");
    expect(h.scale).toBe("log2");
    if (h.data.keyed) throw new Error("expected a keyless histogram");
    const [negative, zero, one, twoToThree] = h.data.value;
    expect(negative).toEqual({ min: null, max: -1, count: 49 });
    expect(zero).toEqual({ min: 0, max: 0, count: 1 });
    expect(one).toEqual({ min: 1, max: 1, count: 1 });
    expect(twoToThree).toEqual({ min: 2, max: 3, count: 2 });
    expect(histogramCount(h.data.value)).toBe(100); // values -49..50, one per tick
    expect(h.data.value.at(-1)).toEqual({ min: 32, max: 63, count: 19 });
  });

  it("reads a keyed histogram (@kh[key] = hist())", () => {
    const h = only(records, "hist", "@kh");
    if (!h.data.keyed) throw new Error("expected keys");
    const byKey = Object.fromEntries(h.data.entries.map((e) => [e.key, e.value]));
    expect(byKey.negative).toEqual([{ min: null, max: -1, count: 49 }]);
    expect(byKey.positive?.[0]).toEqual({ min: 0, max: 0, count: 1 });
    expect(histogramCount(byKey.positive ?? [])).toBe(51);
  });

  it("reads a linear histogram with its below-min and above-max buckets", () => {
    const h = only(records, "hist", "@lin");
    expect(h.scale).toBe("linear");
    if (h.data.keyed) throw new Error("expected a keyless histogram");
    expect(h.data.value[0]).toEqual({ min: null, max: -1, count: 49 });
    expect(h.data.value[1]).toEqual({ min: 0, max: 9, count: 10 });
    expect(h.data.value.at(-1)).toEqual({ min: 40, max: null, count: 11 });
  });

  it("reads scalar and keyed maps, including multi-part keys", () => {
    expect(only(records, "map", "@count").data).toEqual({ keyed: false, value: 100 });
    expect(only(records, "map", "@mn").data).toEqual({ keyed: false, value: -49 });
    // Keyed maps come in hash order, not key order.
    const keyed = only(records, "map", "@keyed").data;
    expect(keyed.keyed && Object.fromEntries(keyed.entries.map((e) => [e.key, e.value]))).toEqual({ "0": 33, "1": 34, "2": 33 });
    const multi = only(records, "map", "@multi").data;
    expect(multi.keyed && multi.entries.find((e) => e.key === "0,label")).toEqual({
      key: "0,label",
      parts: ["0", "label"],
      value: 50,
    });
  });

  it("reads stats() as {count, average, total} and avg() as a bare number, keyed or not", () => {
    // bpftrace's averages are integer divisions: 50 / 100 = 0.
    expect(only(records, "stats", "@st").data).toEqual({ keyed: false, value: { count: 100, average: 0, total: 50 } });
    expect(only(records, "stats", "@av").data).toEqual({ keyed: false, value: 0 });
    const kst = only(records, "stats", "@kst").data;
    expect(kst.keyed && kst.entries.find((e) => e.key === "0")).toEqual({
      key: "0",
      parts: ["0"],
      value: { count: 50, average: 1, total: 50 },
    });
    const kav = only(records, "stats", "@kav").data;
    expect(kav.keyed && kav.entries.map((e) => e.value).sort()).toEqual([0, 1]);
  });
});

describe("error records from real bpftrace", () => {
  it("reads lost_events", () => {
    const records = fixture("lost-events.jsonl");
    const lost = records.filter((r) => r.type === "lost_events");
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((r) => r.type === "lost_events" && r.events > 0)).toBe(true);
  });

  it("reads helper_error (bpftrace -k) with helper, errno and source position", () => {
    const records = fixture("helper-error.jsonl");
    expect(records.find((r) => r.type === "helper_error")).toEqual({
      type: "helper_error",
      helper: "map_update_elem",
      retcode: -7,
      line: 2,
      col: 52,
    });
  });
});

describe("parseBpftraceLine never throws", () => {
  it("keeps unknown record types and non-JSON lines as raw, with the reason", () => {
    expect(parseBpftraceLine('{"type": "probe_stats", "data": {"x": 1}}')).toEqual({
      type: "unknown",
      raw: '{"type": "probe_stats", "data": {"x": 1}}',
      reason: 'unknown record type "probe_stats"',
    });
    expect(parseBpftraceLine("Attaching 3 probes...")).toMatchObject({ type: "unknown", reason: "not JSON" });
    expect(parseBpftraceLine('{"data": 1}')).toMatchObject({ type: "unknown", reason: "no type field" });
    expect(parseBpftraceLine("  ")).toBeNull();
  });

  it("turns malformed known records into unknown ones", () => {
    for (const line of [
      '{"type": "hist", "data": {"@h": [{"min": 1}]}}',
      '{"type": "hist", "data": {"@h": 3}}',
      '{"type": "map", "data": {"@a": 1, "@b": 2}}',
      '{"type": "stats", "data": {"@s": {"k": "x"}}}',
      '{"type": "printf", "data": 3}',
      '{"type": "attached_probes", "data": {}}',
      '{"type": "helper_error"}',
    ]) {
      expect(parseBpftraceLine(line)?.type, line).toBe("unknown");
    }
  });

  it("survives arbitrary garbage", () => {
    const pieces = ["{", "}", "[", "]", '"type"', ":", '"hist"', '"data"', '"@x"', "1", "-1", "null", ",", '"min"', '"count"'];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2000; i++) {
      const line = Array.from({ length: 1 + Math.floor(random() * 20) }, () => pieces[Math.floor(random() * pieces.length)]).join(
        "",
      );
      expect(() => parseBpftraceLine(line)).not.toThrow();
    }
  });
});

describe("createLineSplitter", () => {
  it("reassembles records split across chunks", () => {
    const splitter = createLineSplitter();
    const text = '{"type": "map", "data": {"@c": 1}}\n{"type": "map", "data": {"@c": 2}}\n';
    const lines = [
      ...splitter.push(text.slice(0, 10)),
      ...splitter.push(text.slice(10, 50)),
      ...splitter.push(text.slice(50)),
      ...splitter.flush(),
    ];
    expect(lines.map((l) => parseBpftraceLine(l))).toEqual([
      { type: "map", name: "@c", data: { keyed: false, value: 1 } },
      { type: "map", name: "@c", data: { keyed: false, value: 2 } },
    ]);
  });

  it("hands out a last line without newline on flush", () => {
    const splitter = createLineSplitter();
    expect(splitter.push("a\nb")).toEqual(["a"]);
    expect(splitter.flush()).toEqual(["b"]);
    expect(splitter.flush()).toEqual([]);
  });
});

describe("histogram arithmetic", () => {
  const a: HistBucket[] = [
    { min: null, max: -1, count: 2 },
    { min: 0, max: 0, count: 2 },
    { min: 4, max: 7, count: 4 },
  ];
  const b: HistBucket[] = [
    { min: 4, max: 7, count: 2 },
    { min: 1, max: 1, count: 2 },
  ];

  it("merges bucket by bucket, sorted, negative bucket first", () => {
    expect(mergeLog2Buckets(a, b)).toEqual([
      { min: null, max: -1, count: 2 },
      { min: 0, max: 0, count: 2 },
      { min: 1, max: 1, count: 2 },
      { min: 4, max: 7, count: 6 },
    ]);
    expect(a[2]?.count).toBe(4); // inputs untouched
  });

  it("interpolates quantiles inside a bucket, and knows nothing about an empty histogram", () => {
    const merged = mergeLog2Buckets(a, b);
    expect(histogramQuantile(merged, 0.1)).toBe(-1); // inside the open negative bucket: its finite bound
    expect(histogramQuantile(merged, 0.5)).toBe(2); // rank 6 of 12: the top of [1, 2)
    expect(histogramQuantile(merged, 0.75)).toBe(6); // rank 9: 3rd of 6 in [4, 8)
    expect(histogramQuantile(merged, 1)).toBe(8);
    expect(histogramQuantile([], 0.5)).toBeNull();
    expect(histogramQuantile([{ min: 4, max: 7, count: 0 }], 0.5)).toBeNull();
  });
});
