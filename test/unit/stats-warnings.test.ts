import { describe, expect, it } from "vitest";
import {
  buildComparison,
  type CompareRunInput,
  pickBaseline,
  type RunStatisticsOf,
  regression,
  statisticsOfRun,
} from "~/core/compare";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import { type RunSpec, runSpecSchema } from "~/core/spec";
import { sampleNormal, seededRng } from "~/core/stats";
import { noVerdictReason, verdictFor } from "~/core/verdict";
import { comparisonWarnings, loadGeneratorOf, type WarningRun } from "~/core/warnings";

function spec(extra: Partial<RunSpec> = {}): RunSpec {
  return runSpecSchema.parse({ mesh: "baseline", rate: 1000, connections: 16, durationSeconds: 30, warmupSeconds: 5, ...extra });
}

function wrun(id: string, extra: Partial<WarningRun> = {}): WarningRun {
  return {
    id,
    name: id,
    backend: "LOCAL",
    spec: spec(),
    repetitions: 3,
    achievedQps: 1000,
    minAchievedQps: 998,
    requestCount: 90_000,
    errorCount: 0,
    errorsByKind: {},
    tailSamples: { p50: 45_000, p99: 900, p999: 90 },
    ...extra,
  };
}

const codes = (runs: WarningRun[]) => comparisonWarnings(runs).map((w) => w.code);

describe("comparison warnings", () => {
  it("stay quiet for runs measured the same way", () => {
    expect(comparisonWarnings([wrun("a"), wrun("b", { spec: spec({ mesh: "nginx" }) })])).toEqual([]);
  });

  it("name every spec dimension that differs, with each run's value", () => {
    const warnings = comparisonWarnings([
      wrun("base"),
      wrun("fast", {
        spec: spec({ rate: 2000, connections: 32, payloadBytes: 4096, durationSeconds: 60, warmupSeconds: 1 }),
        achievedQps: 2000,
        minAchievedQps: 1999,
      }),
    ]);
    expect(warnings.map((w) => w.code)).toEqual([
      "differs-rate",
      "differs-connections",
      "differs-payload",
      "differs-duration",
      "differs-warmup",
    ]);
    const rate = warnings[0];
    expect(rate?.message).toContain("1000 req/s (“base”)");
    expect(rate?.message).toContain("2000 req/s (“fast”)");
    expect(rate?.severity).toBe("warning");
    expect(warnings.find((w) => w.code === "differs-warmup")?.severity).toBe("info");
  });

  it("flag a different load generator (open vs closed loop) and backend", () => {
    const max = spec({ mode: "max", rate: undefined });
    expect(loadGeneratorOf("LOCAL", max)).toBe("MeshBench built-in (closed loop)");
    expect(codes([wrun("a"), wrun("b", { spec: max })])).toEqual(
      expect.arrayContaining(["differs-rate", "differs-load-generator"]),
    );
    expect(codes([wrun("a"), wrun("b", { backend: "KUBERNETES" })])).toEqual(["differs-load-generator", "differs-backend"]);
  });

  it("say when the meshes do different work (L4 vs L7, mTLS or not); the baseline is the reference, not a difference", () => {
    const k8s = (id: string, mesh: RunSpec["mesh"]) =>
      wrun(id, { backend: "KUBERNETES", spec: spec({ backend: "KUBERNETES", mesh }) });
    const warnings = comparisonWarnings([k8s("base", "baseline"), k8s("ambient", "istio-ambient"), k8s("cilium", "cilium")]);
    const measures = warnings.find((w) => w.code === "differs-measures");
    expect(measures?.message).toBe(
      "The meshes do different work: L4, mTLS (“ambient”) vs L7, no mTLS (“cilium”). An L4 proxy does not parse HTTP and a proxy without mTLS does no encryption, so their costs are not the price of the same thing.",
    );
    expect(measures?.runIds).toEqual(["ambient", "cilium"]);
    expect(codes([k8s("base", "baseline"), k8s("istio", "istio"), k8s("linkerd", "linkerd")])).not.toContain("differs-measures");
  });

  it("flag an achieved rate short of the requested one, also when only one repetition fell short", () => {
    const short = comparisonWarnings([wrun("a", { achievedQps: 800, minAchievedQps: 790 })]);
    expect(short.map((w) => w.code)).toEqual(["rate-shortfall"]);
    expect(short[0]?.message).toContain("achieved 800 req/s of the 1000 req/s requested (20.0% short)");
    expect(codes([wrun("a", { achievedQps: 970, minAchievedQps: 910 })])).toEqual(["rate-shortfall"]);
    expect(codes([wrun("a", { achievedQps: 990, minAchievedQps: 960 })])).toEqual([]);
    // max-throughput runs have no requested rate to fall short of
    expect(codes([wrun("a", { spec: spec({ mode: "max", rate: undefined }), achievedQps: 10 })])).toEqual([]);
  });

  it("flag percentiles resting on too few requests", () => {
    const w = comparisonWarnings([wrun("a", { requestCount: 2000, tailSamples: { p50: 1000, p99: 20, p999: 2 } })]);
    expect(w.map((x) => x.code)).toEqual(["few-samples"]);
    expect(w[0]?.message).toContain("p99.9 rests on 2 slower request(s) out of 2,000 measured");
    expect(w[0]?.message).not.toContain("p99 rests");
  });

  it("report failed requests by kind, a single repetition, and a missing spec", () => {
    const w = comparisonWarnings([
      wrun("a", { errorCount: 30, errorsByKind: { timeout: 10, http_503: 20 }, requestCount: 2970 }),
      wrun("b", { repetitions: 1 }),
      wrun("c", { spec: null }),
    ]);
    expect(w.map((x) => x.code)).toEqual(["spec-missing", "errors", "single-repetition"]);
    expect(w[1]?.message).toContain("30 failed request(s) (1.00%: http_503 20, timeout 10)");
    // next to other runs, one repetition means no difference with it can be judged
    expect(w[2]?.severity).toBe("warning");
    expect(w[2]?.message).toContain("no difference between it and another run can be judged");
    expect(w[2]?.message).toContain("Run it with 3 or more repetitions.");
    // alone (a run report) it is a note on the run's own intervals
    const alone = comparisonWarnings([wrun("b", { repetitions: 1 })]);
    expect(alone.map((x) => [x.code, x.severity])).toEqual([["single-repetition", "info"]]);
    expect(alone[0]?.message).not.toContain("judged");
  });

  it("warns about a run that other processes disturbed, naming them and where it ran, in a comparison and alone", () => {
    const busy = {
      windowSeconds: 10,
      outsideCpuSeconds: 6,
      stealSeconds: 0,
      byName: [{ comm: "postgres", cpuSeconds: 5, processes: 3 }],
      placement: { cpuCount: 2, isolated: false, note: "2 cores: benchmark not isolated" },
    };
    const quiet = { ...busy, outsideCpuSeconds: 0.5, byName: [{ comm: "postgres", cpuSeconds: 0.5, processes: 1 }] };
    const alone = comparisonWarnings([wrun("a", { interference: busy })]);
    expect(alone.map((w) => w.code)).toEqual(["disturbed"]);
    expect(alone[0]?.message).toContain("other processes used 0.60 cores while it measured (postgres 0.50)");
    expect(alone[0]?.message).toContain("Where it ran: 2 cores: benchmark not isolated.");
    expect(codes([wrun("a", { interference: quiet })])).toEqual([]);
  });
});

function reps(seed: number, scale: number, count: number, n = 5000) {
  return Array.from({ length: count }, (_, i) => {
    const rng = seededRng(seed * 100 + i);
    const h = createLatencyHistogram();
    for (let j = 0; j < n; j++) recordLatencyUs(h, scale * Math.exp(Math.log(500) + 0.4 * sampleNormal(rng)));
    return {
      iteration: i + 1,
      requestedQps: 1000,
      actualQps: 999 + i,
      count: n,
      errorCount: 0,
      errors: {},
      histogram: h,
      measuredSeconds: n / 1000,
      components: [
        { component: "loadgen", role: "loadgen" as const, cpuCores: 0.2, maxRssBytes: 80e6 },
        { component: "upstream", role: "app" as const, cpuCores: 0.1, maxRssBytes: 60e6 },
        ...(scale > 1
          ? [
              { component: "proxy-client", role: "proxy" as const, cpuCores: 0.15, maxRssBytes: 10e6 },
              { component: "proxy-server", role: "proxy" as const, cpuCores: 0.15, maxRssBytes: 12e6 },
            ]
          : []),
      ],
    };
  });
}

function runInput(id: string, mesh: string, scale: number, count = 3): CompareRunInput {
  return {
    id,
    name: `${mesh} run`,
    mesh,
    backend: "LOCAL",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-01T10:00:00Z"),
    startedAt: new Date("2026-11-01T10:00:01Z"),
    finishedAt: new Date("2026-11-01T10:00:31Z"),
    createdBy: "admin@example.test",
    spec: spec({ mesh: mesh === "baseline" ? "baseline" : "nginx", repetitions: count }),
    repetitions: reps(id.length + scale * 10, scale, count),
    probes: [],
  };
}

describe("buildComparison", () => {
  it("picks the chosen baseline, else the first baseline-profile run, else the first run", () => {
    const runs = [
      { id: "x", mesh: "nginx" },
      { id: "y", mesh: "baseline" },
    ];
    expect(pickBaseline(runs)).toBe("y");
    expect(pickBaseline(runs, "x")).toBe("x");
    expect(pickBaseline(runs, "nope")).toBe("y");
    expect(pickBaseline([{ id: "x", mesh: "nginx" }])).toBeNull();
    expect(
      pickBaseline([
        { id: "a", mesh: "nginx" },
        { id: "b", mesh: "haproxy" },
      ]),
    ).toBe("a");
  });

  it("computes overheads with intervals against the baseline and marks best values", () => {
    const c = buildComparison([runInput("nginx-1", "nginx", 1.3), runInput("base-1", "baseline", 1)], { iterations: 500 });
    expect(c.baselineId).toBe("base-1");
    const [proxy, base] = c.runs;
    expect(base?.overhead).toBeNull();
    const o = proxy?.overhead?.p50;
    expect(o?.percent).toBeGreaterThan(20);
    expect(o?.percent).toBeLessThan(40);
    expect(o?.absoluteCi?.lo).toBeGreaterThan(0);
    expect(o?.absoluteCi?.lo).toBeLessThanOrEqual(o?.absoluteUs ?? 0);
    expect(o?.absoluteCi?.hi).toBeGreaterThanOrEqual(o?.absoluteUs ?? 0);
    expect(c.best.p99).toEqual(["base-1"]);
    expect(c.best.cpu).toEqual(["base-1"]);
    // CPU per request: (0.2 + 0.1 + 0.3) cores at ~1000 req/s ≈ 600 µs, 300 of them in the proxies
    expect(proxy?.cpuUsPerRequest.total).toBeCloseTo(600, -1);
    expect(proxy?.cpuUsPerRequest.proxy).toBeCloseTo(300, -1);
    expect(base?.cpuUsPerRequest.proxy).toBeNull();
    expect(c.components.map((x) => x.component)).toEqual(["loadgen", "upstream", "proxy-client", "proxy-server"]);
    expect(proxy?.throughput.ci).not.toBeNull();
    expect(proxy?.perRepetition).toHaveLength(3);
    expect(c.warnings).toEqual([]);
  });

  it("gives the same comparison from memoized run statistics, computing each run once", () => {
    const inputs = [runInput("nginx-1", "nginx", 1.3), runInput("base-1", "baseline", 1)];
    const computed: string[] = [];
    const memo = new Map<string, ReturnType<RunStatisticsOf>>();
    const statisticsOf: RunStatisticsOf = (input, iterations) => {
      const hit = memo.get(input.id);
      if (hit) return hit;
      computed.push(input.id);
      const s = statisticsOfRun(input, iterations);
      memo.set(input.id, s);
      return s;
    };
    const plain = buildComparison(inputs, { iterations: 300 });
    expect(buildComparison(inputs, { iterations: 300, statisticsOf })).toEqual(plain);
    // the other baseline: new overheads from the same per-run statistics
    const flipped = buildComparison(inputs, { iterations: 300, statisticsOf, baselineId: "nginx-1" });
    expect(computed).toEqual(["nginx-1", "base-1"]);
    expect(flipped.runs[1]?.overhead?.p50?.absoluteUs).toBe(-(plain.runs[0]?.overhead?.p50?.absoluteUs ?? 0));
  });

  it("gives a one-run report no baseline and no overheads", () => {
    const c = buildComparison([runInput("solo", "nginx", 1.3, 1)], { iterations: 200 });
    expect(c.baselineId).toBeNull();
    expect(c.runs[0]?.overhead).toBeNull();
    expect(c.best.p50).toEqual([]);
    // 5,000 requests: p99.9 has 5 slower ones, too few to mean much
    expect(c.warnings.map((w) => w.code)).toEqual(["few-samples", "single-repetition"]);
  });

  it("gives a difference involving a single-repetition run no interval and a stated reason, at every percentile", () => {
    // 30% slower, and still not called slower: one repetition cannot show run-to-run variation.
    for (const [runReps, baseReps] of [
      [1, 3],
      [3, 1],
      [1, 1],
    ]) {
      const c = buildComparison([runInput("base-1", "baseline", 1, baseReps), runInput("nginx-1", "nginx", 1.3, runReps)], {
        iterations: 300,
      });
      const proxy = c.runs[1];
      for (const k of ["p50", "p99", "p999"] as const) {
        const o = proxy?.overhead?.[k];
        expect(o?.absoluteUs).toBeGreaterThan(0);
        expect(o?.absoluteCi).toBeNull();
        expect(o?.percentCi).toBeNull();
        expect(o?.ciUnavailable).toBe("single-repetition");
        expect(verdictFor(o ?? null)).toBeNull();
        expect(noVerdictReason(o ?? null)).toBe("single-repetition");
      }
      // each run's own (sampling) interval stays
      expect(proxy?.latency.p50.ci).not.toBeNull();
      expect(c.warnings.find((w) => w.code === "single-repetition")?.severity).toBe("warning");
    }
  });

  it("gives runs of three repetitions an interval of the difference that holds the difference", () => {
    const c = buildComparison([runInput("base-1", "baseline", 1, 3), runInput("nginx-1", "nginx", 1.3, 3)], { iterations: 300 });
    const o = c.runs[1]?.overhead?.p99;
    expect(o?.ciUnavailable).toBeNull();
    expect(o?.absoluteCi?.lo).toBeLessThan(o?.absoluteUs ?? 0);
    expect(o?.absoluteCi?.hi).toBeGreaterThan(o?.absoluteUs ?? 0);
    expect(o?.percentCi?.lo).toBeLessThan(o?.percent ?? 0);
    expect(verdictFor(o ?? null)).toBe("regressed");
  });

  it("never calls a single-repetition run regressed or improved against its baseline, and says why", () => {
    const base = runInput("base-a", "nginx", 1.3, 3);
    for (const [run, baseline] of [
      [runInput("slow-once", "nginx", 2, 1), base],
      [runInput("slow-thrice", "nginx", 2, 3), runInput("base-once", "nginx", 1.3, 1)],
    ] as const) {
      const r = regression({ ...run, spec: base.spec }, { ...baseline, spec: base.spec }, { iterations: 300 });
      expect(r.change?.percent).toBeGreaterThan(30);
      expect(r.change?.absoluteCi).toBeNull();
      expect(r.verdict).toBeNull();
      expect(r.noVerdictReason).toBe("single-repetition");
    }
    const judged = regression(runInput("slow-thrice", "nginx", 2, 3), base, { iterations: 300 });
    expect(judged.verdict).toBe("regressed");
    expect(judged.noVerdictReason).toBeNull();
  });

  it("judges a regression against a profile baseline, and refuses to judge runs with different specs", () => {
    const base = runInput("base-a", "nginx", 1.3);
    const same = runInput("same-b", "nginx", 1.3);
    const slower = runInput("slow-c", "nginx", 1.6);
    expect(regression(same, base, { iterations: 500 }).verdict).toBe("no change");
    const r = regression(slower, base, { iterations: 500 });
    expect(r.verdict).toBe("regressed");
    expect(r.change?.percent).toBeGreaterThan(15);
    expect(regression(base, slower, { iterations: 500 }).verdict).toBe("improved");
    const other = { ...runInput("other-d", "nginx", 1.3), spec: spec({ mesh: "nginx", rate: 500 }) };
    const nc = regression(other, base, { iterations: 500 });
    expect(nc.verdict).toBe("not comparable");
    expect(nc.noVerdictReason).toBeNull();
    expect(nc.differences).toEqual(["Load"]);
  });

  it("compares kernel probes side by side when present, merging repetitions", () => {
    const bucket = (min: number, max: number, count: number) => ({ min, max, count });
    const probe = (iteration: number, counts: [number, number]) => ({
      probe: "runqlat",
      iteration,
      node: "host",
      available: true,
      reason: null,
      summary: { p50Us: 4 * iteration, p99Us: 60, eventsPerSecond: 1000 },
      histograms: [
        {
          metric: "runqlat",
          labels: {},
          unit: "µs",
          buckets: [bucket(2, 3, counts[0]), bucket(4, 7, counts[1])],
          count: counts[0] + counts[1],
        },
      ],
    });
    const a = { ...runInput("pa", "baseline", 1, 2), probes: [probe(1, [10, 5]), probe(2, [20, 1])] };
    const b = {
      ...runInput("pb", "nginx", 1.3, 2),
      probes: [
        { probe: "runqlat", iteration: null, node: "host", available: false, reason: "no tracefs", summary: {}, histograms: [] },
      ],
    };
    const c = buildComparison([a, b], { iterations: 100 });
    expect(c.probes).toHaveLength(1);
    const [pa, pb] = c.probes[0]?.runs ?? [];
    expect(pa?.histogram?.buckets).toEqual([bucket(2, 3, 30), bucket(4, 7, 6)]);
    expect(pa?.summary.find((s) => s.key === "p50Us")?.value).toBe(6);
    expect(pb).toMatchObject({ available: false, reason: "no tracefs", histogram: null });
    expect(buildComparison([runInput("x", "baseline", 1), runInput("y", "nginx", 1.2)], { iterations: 50 }).probes).toEqual([]);
  });
});
