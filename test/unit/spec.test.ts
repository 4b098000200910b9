import { describe, expect, it } from "vitest";
import { meshesFor } from "~/core/meshes";
import { repetitionSeconds, runSpecSchema } from "~/core/spec";

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
      repetitions: 1,
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
