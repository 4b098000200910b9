import { describe, expect, it } from "vitest";
import { formatProblem, parseSpecFile } from "~/cli/spec-file";
import { MESH_PROFILES } from "~/core/meshes";

const problems = (text: string) => {
  const result = parseSpecFile(text);
  return result.ok ? [] : result.problems.map((p) => formatProblem("spec.yaml", p));
};

describe("the CLI's spec file", () => {
  it("accepts a run spec with gates, with the form's defaults filled in", () => {
    const result = parseSpecFile(
      ["name: nginx gate", "spec:", "  mesh: nginx", "  rate: 200", "  connections: 4", "gates:", "  - percentile: p99"].join(
        "\n",
      ),
    );
    expect(result.ok && result.file).toMatchObject({
      name: "nginx gate",
      spec: { mesh: "nginx", rate: 200, connections: 4, durationSeconds: 10, repetitions: 3, backend: "LOCAL" },
      gates: [{ percentile: "p99", minEffect: { percent: 5, us: 50 } }],
    });
  });

  it("names each bad field with its line", () => {
    const text = [
      "name: demo", // 1
      "spec:", // 2
      "  mesh: nginx", // 3
      "  rate: 200", // 4
      "  connections: 4", // 5
      "  durationSecond: 5", // 6 (a typo)
      "  payloadBytes: -1", // 7
      "  serviceTime:", // 8
      "    distribution: uniform", // 9
      "    minMs: 5", // 10
      "    maxMs: 2", // 11
      "gates:", // 12
      "  - percentile: p95", // 13
      "  - percentile: p99", // 14
      "    minEffect: { percent: -3 }", // 15
    ].join("\n");
    expect(problems(text)).toEqual([
      "spec.yaml:6: spec.durationSecond: unknown field",
      "spec.yaml:7: spec.payloadBytes: Too small: expected number to be >=0",
      "spec.yaml:11: spec.serviceTime.maxMs: minMs must not exceed maxMs",
      "spec.yaml:13: gates.0.percentile: Use one of p50, p99, p99.9",
      "spec.yaml:15: gates.1.minEffect.percent: Too small: expected number to be >=0",
    ]);
  });

  it("points a missing field at the mapping that should hold it, and the form's cross-field rules at their field", () => {
    expect(problems(["name: demo", "spec:", "  rate: 200", "  connections: 5"].join("\n"))).toEqual([
      `spec.yaml:3: spec.mesh: Invalid option: expected one of ${MESH_PROFILES.map((m) => `"${m}"`).join("|")}`,
    ]);
    expect(problems(["name: demo", "spec:", "  mesh: baseline", "  rate: 200", "  connections: 500"].join("\n"))).toEqual([
      "spec.yaml:5: spec.connections: More connections than requests per second: lower connections or raise the rate",
    ]);
    expect(problems("spec:\n  mesh: baseline\n  rate: 100\n")).toEqual([
      "spec.yaml:1: name: Invalid input: expected string, received undefined",
    ]);
  });

  it("reports YAML syntax errors with their line, and unknown top-level keys", () => {
    expect(problems("name: demo\nspec:\n  mesh: [baseline\n  rate: 1\n")[0]).toMatch(/^spec\.yaml:\d: not valid YAML: /);
    expect(problems("name: demo\nname: again\nspec: {mesh: baseline, rate: 10, connections: 1}\n")[0]).toMatch(
      /^spec\.yaml:\d: not valid YAML: Map keys must be unique/,
    );
    expect(problems("name: demo\nspec: {mesh: baseline, rate: 10, connections: 1}\nthreshold: 3\n")).toEqual([
      "spec.yaml:3: threshold: unknown field",
    ]);
  });
});
