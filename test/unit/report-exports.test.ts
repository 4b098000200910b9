import { describe, expect, it } from "vitest";
import { buildComparison, type CompareRunInput } from "~/core/compare";
import { COMPARISON_CSV_COLUMNS, comparisonCsv, comparisonJson } from "~/core/exports/comparison";
import type { JsonValue } from "~/core/exports/json";
import { smpDocument } from "~/core/exports/smp";
import { toYaml } from "~/core/exports/yaml";
import { createLatencyHistogram, recordLatencyUs } from "~/core/histogram";
import { runSpecSchema } from "~/core/spec";

function run(id: string, name: string, mesh: "baseline" | "nginx", valuesUs: number[]): CompareRunInput {
  const h = createLatencyHistogram();
  for (const v of valuesUs) recordLatencyUs(h, v);
  return {
    id,
    name,
    mesh,
    backend: "LOCAL",
    status: "SUCCEEDED",
    createdAt: new Date("2026-11-02T08:00:00Z"),
    startedAt: new Date("2026-11-02T08:00:00Z"),
    finishedAt: new Date("2026-11-02T08:00:12Z"),
    createdBy: "admin@example.test",
    spec: runSpecSchema.parse({ mesh, rate: 100, connections: 4, durationSeconds: 10, warmupSeconds: 2 }),
    repetitions: [
      {
        iteration: 1,
        requestedQps: 100,
        actualQps: 99.5,
        count: valuesUs.length,
        errorCount: 0,
        errors: {},
        histogram: h,
        measuredSeconds: 10,
        components: [
          { component: "loadgen", role: "loadgen", cpuCores: 0.05, maxRssBytes: 90_000_000 },
          { component: "upstream", role: "app", cpuCores: 0.02, maxRssBytes: 60_000_000 },
          ...(mesh === "nginx"
            ? [
                { component: "proxy-client", role: "proxy" as const, cpuCores: 0.01, maxRssBytes: 8_000_000 },
                { component: "proxy-server", role: "proxy" as const, cpuCores: null, maxRssBytes: 9_000_000 },
              ]
            : []),
        ],
      },
    ],
    probes: [],
  };
}

const values = (base: number) => Array.from({ length: 1000 }, (_, i) => base + i);
const comparison = buildComparison(
  [run("r-base", "baseline, 100 rps", "baseline", values(400)), run("r-nginx", '=nginx "pair"', "nginx", values(600))],
  { iterations: 200 },
);

describe("comparison exports", () => {
  it("CSV has a header and one row per run, quoting and defusing spreadsheet formulas", () => {
    const csv = comparisonCsv(comparison);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]?.split(",")).toEqual([...COMPARISON_CSV_COLUMNS]);
    expect(lines[1]).toMatch(/^r-base,"baseline, 100 rps",baseline,local,yes,/);
    expect(lines[2]).toMatch(/^r-nginx,"'=nginx ""pair""",nginx,local,no,/);
    const header = lines[0]?.split(",") ?? [];
    const cells = (lines[2] ?? "").replace(/^r-nginx,"[^"]*(""[^"]*)*",/, "r-nginx,NAME,").split(",");
    const col = (name: string) => cells[header.indexOf(name)];
    expect(Number(col("p99_us"))).toBe(comparison.runs[1]?.latency.p99.value);
    expect(Number(col("p50_overhead_us"))).toBeCloseTo(comparison.runs[1]?.overhead?.p50?.absoluteUs ?? Number.NaN, 6);
    // one repetition: no interval for the rate, so the cells are empty, not 0
    expect(col("achieved_qps_ci_low")).toBe("");
    // nor for the difference from the baseline, and the row says why
    expect(col("p50_overhead_ci_low_us")).toBe("");
    expect(col("p99_overhead_pct_ci_high")).toBe("");
    expect(col("p99_overhead_ci_unavailable")).toBe("single-repetition");
    const baseCells = (lines[1] ?? "").replace(/^r-base,"[^"]*",/, "r-base,NAME,").split(",");
    expect(baseCells[header.indexOf("p99_overhead_ci_unavailable")]).toBe("");
    // a proxy's CPU was not measured: the proxy CPU per request is unknown, not "0"
    expect(col("proxy_cpu_us_per_request")).toBe("");
  });

  it("JSON carries the format, dates as ISO strings and every run", () => {
    const json = comparisonJson(comparison, { generatedAt: new Date("2026-11-02T09:00:00Z") }) as { [k: string]: JsonValue };
    expect(json.format).toBe("meshbench.comparison/v1");
    expect(json.generatedAt).toBe("2026-11-02T09:00:00.000Z");
    const runs = json.runs as { [k: string]: JsonValue }[];
    expect(runs.map((r) => r.id)).toEqual(["r-base", "r-nginx"]);
    expect(runs[0]?.createdAt).toBe("2026-11-02T08:00:00.000Z");
    const overhead = runs[1]?.overhead as { [k: string]: { [k: string]: JsonValue } };
    expect(overhead.p99).toMatchObject({ absoluteCi: null, percentCi: null, ciUnavailable: "single-repetition" });
  });
});

describe("SMP export", () => {
  it("fills SMP fields with the run's real figures and leaves unknown ones out", () => {
    const nginx = comparison.runs[1];
    if (!nginx) throw new Error("missing run");
    const doc = smpDocument(nginx) as { [k: string]: { [k: string]: JsonValue } };
    const result = doc.performance_test_result as { [k: string]: JsonValue };
    const latencies = result.latencies_ms as { [k: string]: number };
    expect(latencies.p99).toBe((nginx.summary?.p99Us ?? 0) / 1000);
    expect(latencies.p50).toBeCloseTo(1.1, 1);
    expect(result.actual_qps).toBe(99.5);
    expect(result.start_time).toBe("2026-11-02T08:00:00.000Z");
    expect(result.test_id).toBe(doc.performance_test_config?.id);
    expect(result.mesh_config_id).toBe(doc.service_mesh_config?.id);
    expect(doc.performance_test_config?.clients).toEqual([
      { internal: true, load_generator: "MeshBench built-in (open loop)", protocol: "PROTOCOL_HTTP", connections: 4, rps: 100 },
    ]);
    expect(doc.performance_test_config?.duration).toBe("10s");
    // nginx is not an SMP mesh type: none is claimed; the sidecars' CPU is unknown (one proxy unmeasured)
    expect(doc.service_mesh_config?.mesh_type).toBeUndefined();
    expect(doc.service_mesh_config?.sidecar).toEqual({ count: 2, mem_mb: 17, rps: 100 });
    const workloads = doc.environment_config?.individual_workloads as { [k: string]: JsonValue }[];
    expect(workloads.find((w) => w.name === "proxy-server")).toEqual({ name: "proxy-server", count: 1, mem_mb: 9 });
    expect(JSON.stringify(doc)).not.toMatch(/placeholder|TODO|xxx|null/i);
  });

  it("writes YAML with quoted strings, nested maps and lists of maps", () => {
    const yaml = toYaml({ a: "x: y", b: [{ c: 1, d: [true, null] }, "e"], f: {}, "g h": 2.5 }, "header");
    expect(yaml).toBe(
      [
        "# header",
        'a: "x: y"',
        "b:",
        "  - c: 1",
        "    d:",
        "      - true",
        "      - null",
        '  - "e"',
        "f: {}",
        '"g h": 2.5',
        "",
      ].join("\n"),
    );
  });
});
