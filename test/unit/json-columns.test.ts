import { describe, expect, it } from "vitest";
import { runSpecSchema } from "~/core/spec";
import {
  componentsColumn,
  errorsColumn,
  parseSpec,
  perSecondColumn,
  probeHistogramsColumn,
  probeSummaryColumn,
} from "~/server/runs/json-columns";

describe("the runs store's JSON columns", () => {
  it("read well-formed values as they were written", () => {
    const components = [{ component: "proxy-client", role: "proxy", cpuCores: 0.25, maxRssBytes: null }];
    expect(componentsColumn.parse(components)).toEqual(components);
    expect(errorsColumn.parse({ timeout: 2 })).toEqual({ timeout: 2 });
    expect(perSecondColumn.parse([250, 251])).toEqual([250, 251]);
    expect(probeSummaryColumn.parse({ p99: 12, missing: null })).toEqual({ p99: 12, missing: null });
    const histogram = { metric: "runqlat", labels: { cpu: "0" }, unit: "us", buckets: [{ min: 0, max: 1, count: 3 }], count: 3 };
    expect(probeHistogramsColumn.parse({ scope: "host", histograms: [histogram] })).toEqual([histogram]);
  });

  it("read a spec with today's defaults, and one that no longer parses as null", () => {
    const spec = { backend: "LOCAL", mesh: "baseline", rate: 100, connections: 2 };
    expect(parseSpec(spec)).toEqual(runSpecSchema.parse(spec));
    expect(parseSpec({ not: "a spec" })).toBeNull();
    expect(parseSpec(null)).toBeNull();
  });

  it("read malformed values as missing, never as an error", () => {
    expect(componentsColumn.parse("nonsense")).toEqual([]);
    expect(componentsColumn.parse([{ component: "app", role: "sidecar", cpuCores: "lots" }])).toEqual([
      { component: "app", role: "app", cpuCores: null, maxRssBytes: null },
    ]);
    expect(errorsColumn.parse(["timeout"])).toEqual({});
    expect(perSecondColumn.parse({})).toEqual([]);
    expect(probeSummaryColumn.parse({ p99: "fast" })).toEqual({ p99: null });
    expect(probeHistogramsColumn.parse({ scope: "host" })).toEqual([]);
    expect(probeHistogramsColumn.parse(null)).toEqual([]);
  });
});
