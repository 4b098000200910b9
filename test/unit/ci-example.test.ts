import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HELP } from "~/cli/main";
import { parseSpecFile } from "~/cli/spec-file";

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples/ci");

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
  if?: string;
}

describe("the example CI workflow", () => {
  const workflow = parse(readFileSync(path.join(EXAMPLES, "meshbench.yml"), "utf8")) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const gate = steps.find((s) => s.run?.includes("meshbench run"));

  it("runs the spec with the token from a secret and keeps the markdown verdict", () => {
    expect(Object.keys(workflow.on)).toContain("pull_request");
    expect(workflow.permissions["pull-requests"]).toBe("write");
    expect(gate?.env?.MESHBENCH_TOKEN).toMatch(/^\$\{\{ secrets\.MESHBENCH_TOKEN \}\}$/);
    expect(gate?.env?.MESHBENCH_URL).toMatch(/^\$\{\{ vars\.MESHBENCH_URL \}\}$/);
    expect(gate?.run).toMatch(/--fail-on-regression/);
    expect(gate?.run).toMatch(/--format markdown --output meshbench\.md/);
  });

  it("posts the verdict whatever the outcome, then fails the job on any non-zero status", () => {
    const post = steps.find((s) => s.run?.includes("gh pr comment"));
    expect(post?.if).toContain("always()");
    expect(post?.run).toContain("--body-file meshbench.md");
    const fail = steps.at(-1);
    expect(fail?.if).toBe("steps.gate.outputs.status != '0'");
    expect(fail?.run).toContain('exit "$STATUS"');
  });

  it("uses only flags the CLI documents, and an example spec file that validates", () => {
    const flags = (gate?.run ?? "").match(/--[a-z-]+/g) ?? [];
    for (const flag of flags) expect(HELP).toContain(flag);
    const spec = parseSpecFile(readFileSync(path.join(EXAMPLES, "meshbench.yaml"), "utf8"));
    expect(spec.ok && spec.file.gates?.map((g) => g.percentile)).toEqual(["p50", "p99"]);
  });
});
