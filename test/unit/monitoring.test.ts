import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** promtool (Debian's prometheus package) checks the config and rules and runs the alert unit tests. */
function promtool(...args: string[]): string {
  return execFileSync("promtool", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const files = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => `${dir}/${f}`);

describe("monitoring/ (promtool)", () => {
  it("prometheus.yml is a valid config", () => {
    expect(promtool("check", "config", "monitoring/prometheus.yml")).toContain("SUCCESS");
  });

  it("alert and recording rules are valid", () => {
    expect(promtool("check", "rules", ...files("monitoring/rules"))).toContain("SUCCESS");
  });

  it("alert rules pass their unit tests", () => {
    expect(promtool("test", "rules", ...files("monitoring/tests"))).toContain("SUCCESS");
  });
});
