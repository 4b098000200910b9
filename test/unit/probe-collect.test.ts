import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROBE_NAMES, type ProbeName } from "~/core/probes";
import { PROBE_DEFINITIONS } from "~/worker/probes/catalog";
import { collectProbeLog } from "~/worker/probes/collect";
import type { ProbeSample } from "~/worker/probes/types";

/** Recorded output of MeshBench's own programs (record.sh), read back like a pod log would be. */
const fixtures = path.resolve(import.meta.dirname, "../fixtures/bpftrace");

function collect(probe: ProbeName) {
  const samples: ProbeSample[] = [];
  const text = readFileSync(path.join(fixtures, `probe-${probe}.jsonl`), "utf8");
  const collector = collectProbeLog(probe, text, { intervalSeconds: 1, onSample: (s) => samples.push(s) });
  const agg = collector.aggregate();
  return { collector, samples, agg, summary: PROBE_DEFINITIONS[probe].summarize(agg) };
}

const series = (agg: ReturnType<typeof collect>["agg"], metric: string, labels: Record<string, string> = {}, stat = "rate") =>
  agg.data.series.find((s) => s.metric === metric && s.stat === stat && JSON.stringify(s.labels) === JSON.stringify(labels));

describe("collecting recorded probe output", () => {
  it.each(PROBE_NAMES)("%s: every line understood, intervals framed by markers, nothing after end", (probe) => {
    const { collector, samples, agg } = collect(probe);
    expect(collector.stats.unknownRecords).toEqual([]);
    expect(collector.stats.begun && collector.stats.ended).toBe(true);
    expect(collector.warnings).toEqual([]);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples[0]?.startS).toBe(0);
    for (const [i, s] of samples.entries()) {
      expect(s.index).toBe(i);
      expect(s.endS).toBeGreaterThan(s.startS);
      // Whole intervals, except that the kernel may skip a tick (then one interval spans two).
      const seconds = s.endS - s.startS;
      if (i < samples.length - 1) expect(Math.abs(seconds - Math.round(seconds))).toBeLessThan(0.05);
    }
    // The partial interval flushed by END is kept unless it is an empty sliver after the last tick.
    const last = samples.at(-1);
    expect(last?.final || (last && last.endS - last.startS > 0.99)).toBe(true);
    expect(agg.data.intervals).toHaveLength(samples.length);
    for (const s of agg.data.series) expect(s.values).toHaveLength(samples.length);
  });

  it("runqlat: a histogram per interval, merged into the run's, with percentiles", () => {
    const { samples, agg, summary } = collect("runqlat");
    const perInterval = samples.map((s) => s.histograms[0]?.buckets.reduce((n, b) => n + b.count, 0) ?? 0);
    const total = agg.data.histograms.find((h) => h.metric === "runqlat");
    expect(total?.count).toBe(perInterval.reduce((a, b) => a + b, 0));
    expect(total?.unit).toBe("µs");
    expect(summary.p50Us).toBeGreaterThan(0);
    expect(summary.p99Us).toBeGreaterThanOrEqual(summary.p50Us ?? 0);
    expect(series(agg, "runqlat", {}, "p99")?.values.every((v) => v === null || v > 0)).toBe(true);
  });

  it("syscalls: names resolved from x86_64 numbers, per process too", () => {
    const { agg, summary } = collect("syscalls");
    const names = agg.data.totals.filter((t) => t.metric === "syscalls" && t.labels.syscall).map((t) => t.labels.syscall);
    expect(names).toEqual(expect.arrayContaining(["read", "write", "epoll_pwait", "close"]));
    expect(names.some((n) => n?.startsWith("syscall_"))).toBe(false);
    const byProcess = agg.data.totals.filter((t) => t.metric === "syscalls_by_process" && t.labels.pid);
    expect(byProcess[0]?.labels.comm).toBe("node");
    expect(summary.total).toBe(agg.data.totals.find((t) => t.metric === "syscalls" && !t.labels.syscall)?.value);
    expect(summary.perSecond).toBeGreaterThan(1000);
  });

  it("sched_switches: voluntary and involuntary switches per process", () => {
    const { agg, summary } = collect("sched_switches");
    const kinds = new Set(agg.data.totals.map((t) => t.labels.kind).filter(Boolean));
    expect(kinds).toEqual(new Set(["voluntary", "involuntary"]));
    expect(summary.involuntaryPercent).toBeGreaterThan(0);
    expect(summary.involuntaryPercent).toBeLessThan(100);
  });

  it("tcp_retransmits: SYNs retransmitted to a listener whose backlog is full", () => {
    const { agg, summary } = collect("tcp_retransmits");
    expect(agg.data.totals.find((t) => t.labels.state === "SYN_SENT")?.value).toBeGreaterThan(0);
    expect(summary.total).toBeGreaterThan(0);
  });

  it("tcp_rtt: keyed by destination port, ephemeral ports grouped as 0", () => {
    const { agg, summary } = collect("tcp_rtt");
    const ports = agg.data.histograms.filter((h) => h.metric === "tcp_srtt" && h.labels.dport).map((h) => Number(h.labels.dport));
    expect(ports).toContain(0);
    expect(ports.every((p) => p < 32_768)).toBe(true);
    expect(summary.p50Us).toBeGreaterThan(0);
  });

  it("tcp_connections: every accepted connection has its connect() twin", () => {
    const { agg, summary } = collect("tcp_connections");
    const opened = (direction: string) =>
      agg.data.totals
        .filter((t) => t.metric === "tcp_connections_opened" && t.labels.direction === direction)
        .reduce((n, t) => n + t.value, 0);
    expect(opened("active")).toBeGreaterThan(100);
    expect(opened("passive")).toBe(opened("active"));
    expect(summary.openedPerSecond).toBeGreaterThan(0);
    expect(summary.closedPerSecond).toBeGreaterThan(0);
  });

  it("softirq: time by vector in µs, network softirqs within the total", () => {
    const { agg, summary } = collect("softirq");
    expect(agg.data.totals.find((t) => t.metric === "softirq_time" && t.labels.vector === "NET_RX")?.value).toBeGreaterThan(0);
    expect(summary.cpuPercent).toBeGreaterThan(0);
    expect(summary.netCpuPercent).toBeLessThanOrEqual(summary.cpuPercent ?? 0);
  });
});

describe("the collector against a broken stream", () => {
  it("keeps going through unknown lines and counts lost events", () => {
    const text = [
      '{"type": "printf", "data": "meshbench:begin 1000\\n"}',
      "garbage",
      '{"type": "lost_events", "data": {"events": 3}}',
      '{"type": "map", "data": {"@tcp_retransmits": {"1": 5}}}',
      '{"type": "printf", "data": "meshbench:tick 1000001000\\n"}',
      '{"type": "map", "data": {"@tcp_retransmits": {"1": 2}}}',
    ].join("\n");
    const logged: string[] = [];
    const collector = collectProbeLog("tcp_retransmits", text, { intervalSeconds: 1, log: (m) => logged.push(m) });
    expect(collector.stats.unknownRecords).toEqual(["not JSON: garbage"]);
    expect(logged).toEqual(["tcp_retransmits: unrecognised bpftrace output (not JSON: garbage)"]);
    expect(collector.stats.lostEvents).toBe(3);
    // The unterminated last interval (bpftrace killed) is not counted: it has no known end.
    expect(collector.aggregate().data.totals).toEqual([
      { metric: "tcp_retransmits", labels: {}, value: 5 },
      { metric: "tcp_retransmits", labels: { state: "ESTABLISHED" }, value: 5 },
    ]);
  });

  it("a throwing onSample listener does not stop collection", () => {
    const text = readFileSync(path.join(fixtures, "probe-softirq.jsonl"), "utf8");
    const collector = collectProbeLog("softirq", text, {
      intervalSeconds: 1,
      onSample: () => {
        throw new Error("listener broke");
      },
    });
    expect(collector.intervalCount).toBeGreaterThanOrEqual(3);
    expect(collector.warnings[0]).toMatch(/listener broke/);
  });
});
