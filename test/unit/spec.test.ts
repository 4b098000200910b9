import { describe, expect, it } from "vitest";
import { meshesFor } from "~/core/meshes";
import { repetitionSeconds, runLimitProblems, runNameSchema, runSpecSchema } from "~/core/spec";
import { plainTextSchema } from "~/core/text";
import { A_DAY_OF_LOAD } from "../fixtures/specs";

describe("run spec validation", () => {
  it("fills sensible defaults", () => {
    const spec = runSpecSchema.parse({ mesh: "baseline", rate: 500 });
    expect(spec).toMatchObject({
      backend: "LOCAL",
      mode: "fixed-rate",
      connections: 16,
      durationSeconds: 10,
      warmupSeconds: 2,
      payloadBytes: 1024,
      // three: with one, no difference from another run can be judged
      repetitions: 3,
    });
    expect(repetitionSeconds(spec)).toBe(12);
  });

  it("accepts a max-throughput run without a rate", () => {
    expect(runSpecSchema.safeParse({ mesh: "nginx", mode: "max", connections: 32 }).success).toBe(true);
  });

  it.each([
    [{ mesh: "baseline" }, "rate", "needs a target rate"],
    [{ mesh: "baseline", rate: 0 }, "rate", ""],
    [{ mesh: "baseline", rate: 10.5 }, "rate", ""],
    [{ mesh: "baseline", rate: 100, connections: 0 }, "connections", ""],
    [{ mesh: "baseline", rate: 10, connections: 50 }, "connections", "More connections than requests"],
    [{ mesh: "baseline", rate: 100, durationSeconds: 0 }, "durationSeconds", ""],
    [{ mesh: "baseline", rate: 100, warmupSeconds: -1 }, "warmupSeconds", ""],
    [{ mesh: "baseline", rate: 100, payloadBytes: 2_000_000 }, "payloadBytes", ""],
    [{ mesh: "baseline", rate: 100, repetitions: 21 }, "repetitions", ""],
    [{ mesh: "envoy", rate: 100 }, "mesh", ""],
    [{ mesh: "linkerd", rate: 100 }, "mesh", "cannot run on the local backend"],
    [{ mesh: "baseline", rate: "100" }, "rate", ""],
  ])("rejects %j at %s", (input, path, message) => {
    const result = runSpecSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path[0] === path);
    expect(issue, JSON.stringify(result.error?.issues)).toBeDefined();
    if (message) expect(issue?.message).toContain(message);
  });

  it("offers only profiles the backend can run", () => {
    expect(meshesFor("LOCAL").map((m) => m.id)).toEqual(["baseline", "nginx", "haproxy"]);
    expect(meshesFor("KUBERNETES").map((m) => m.id)).toContain("istio-ambient");
  });
});

describe("run limits", () => {
  const limits = { maxRunSeconds: 7_200, maxRunRequests: 50_000_000 };

  it("refuse the 23-hour run that every field's range allows", () => {
    const spec = runSpecSchema.parse(A_DAY_OF_LOAD);
    const problems = runLimitProblems(spec, limits);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("84000 s");
    expect(problems[1]).toContain("8,400,000,000 requests");
  });

  it("let a run at the limits through", () => {
    const spec = runSpecSchema.parse({
      mesh: "baseline",
      rate: 6_000,
      durationSeconds: 3_000,
      warmupSeconds: 600,
      repetitions: 2,
    });
    expect(runLimitProblems(spec, limits)).toEqual([]);
    expect(runLimitProblems({ ...spec, mode: "max", rate: undefined }, { ...limits, maxRunRequests: 1 })).toEqual([]);
  });
});

describe("plain text", () => {
  it.each(["a\u0000b", "tab\there", "bell\u0007", "del\u007f"])("refuses control characters in %j", (value) => {
    expect(runNameSchema.safeParse(value).success).toBe(false);
    expect(plainTextSchema.safeParse(value).success).toBe(false);
  });

  it("keeps any other text, emoji and accents included", () => {
    expect(runNameSchema.parse("  Istio ambient – ztunnel ✓ ")).toBe("Istio ambient – ztunnel ✓");
  });
});
