import { describe, expect, it } from "vitest";
import { meanServiceTimeMs, SERVICE_TIME_CAP_MS, serviceTimeSchema } from "~/core/service-time";
import { serviceTimeSampler } from "~/core/service-time-sampler";
import { runSpecSchema } from "~/core/spec";
import { seededRng } from "~/core/stats";

const draws = (spec: unknown, n: number, seed = 7) => {
  const next = serviceTimeSampler(serviceTimeSchema.parse(spec), seededRng(seed));
  return Array.from({ length: n }, next);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("added service time", () => {
  it("draws from the distribution asked for, the same draws for the same seed", () => {
    expect(draws({ distribution: "fixed", ms: 5 }, 3)).toEqual([5, 5, 5]);
    const uniform = draws({ distribution: "uniform", minMs: 2, maxMs: 4 }, 20_000);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(4);
    expect(mean(uniform)).toBeCloseTo(3, 1);
    expect(mean(draws({ distribution: "exponential", meanMs: 2 }, 50_000))).toBeCloseTo(2, 1);
    const lognormal = draws({ distribution: "lognormal", medianMs: 1, sigma: 0.5 }, 50_000).sort((a, b) => a - b);
    expect(lognormal[25_000]).toBeCloseTo(1, 1);
    expect(mean(lognormal)).toBeCloseTo(meanServiceTimeMs({ distribution: "lognormal", medianMs: 1, sigma: 0.5 }), 1);
    expect(draws({ distribution: "exponential", meanMs: 2 }, 5, 1)).toEqual(
      draws({ distribution: "exponential", meanMs: 2 }, 5, 1),
    );
    expect(draws({ distribution: "exponential", meanMs: 2 }, 5, 1)).not.toEqual(
      draws({ distribution: "exponential", meanMs: 2 }, 5, 2),
    );
  });

  it("caps a long tail's rare draw below the load generator's timeout", () => {
    const wild = draws({ distribution: "lognormal", medianMs: 1_000, sigma: 2 }, 20_000);
    expect(Math.max(...wild)).toBe(SERVICE_TIME_CAP_MS);
  });

  it("is validated in the run spec: ranges, fields, backend and capacity", () => {
    const base = { mesh: "baseline", rate: 200, connections: 4 };
    const issues = (serviceTime: unknown, extra: object = {}) => {
      const result = runSpecSchema.safeParse({ ...base, ...extra, serviceTime });
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues({ distribution: "fixed", ms: 5 })).toEqual([]);
    expect(issues({ distribution: "fixed", ms: 5_000 })[0]).toMatch(/^serviceTime\.ms: /);
    expect(issues({ distribution: "uniform", minMs: 4, maxMs: 2 })).toEqual(["serviceTime.maxMs: minMs must not exceed maxMs"]);
    expect(issues({ distribution: "gamma", ms: 2 })[0]).toMatch(/^serviceTime\.distribution/);
    expect(issues({ distribution: "fixed", ms: 5, jitter: 1 })[0]).toMatch(/^serviceTime: /);
    // 200 req/s × 50 ms = 10 requests in flight on 4 connections: the queue would only grow.
    expect(issues({ distribution: "fixed", ms: 50 })).toEqual([
      expect.stringMatching(/^serviceTime: At 200 req\/s this service time keeps 10\.0 requests in flight/),
    ]);
    expect(issues({ distribution: "fixed", ms: 5 }, { backend: "KUBERNETES", mesh: "istio" })).toEqual([
      "serviceTime: An added service time needs the local backend (its upstream adds it)",
    ]);
  });
});
