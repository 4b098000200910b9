import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ruleGroups } from "~/scripts/generate-prometheus-rule";

/**
 * docs/operations.md is the runbook: every alert in monitoring/rules has its own section, and the
 * alert's runbook_url annotation points at that section's anchor.
 */
const DOC = "docs/operations.md";
const text = readFileSync(path.resolve(import.meta.dirname, "../..", DOC), "utf8");

/** GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces to -. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

const headings = (level: number) =>
  [...text.matchAll(new RegExp(`^${"#".repeat(level)} (.+)$`, "gm"))].map((m) => (m[1] as string).trim());

interface AlertRule {
  alert?: string;
  annotations?: Record<string, string>;
}
const alerts = (ruleGroups() as { rules: AlertRule[] }[]).flatMap((g) => g.rules).filter((r) => r.alert);

describe(DOC, () => {
  it("covers deploy, upgrade, roll back, backups, secrets and several workers", () => {
    expect(headings(2)).toEqual(
      expect.arrayContaining([
        "Deploy",
        "Upgrade",
        "Roll back",
        "Back up and restore",
        "Rotate secrets",
        "Several workers on one Redis",
        "Alerts",
      ]),
    );
  });

  it("has a section for every alert, and every alert's runbook_url links to it", () => {
    expect(alerts.length).toBeGreaterThan(0);
    const alertSection = text.slice(text.indexOf("\n## Alerts"));
    const sections = [...alertSection.matchAll(/^### (.+)$/gm)].map((m) => (m[1] as string).trim());
    for (const rule of alerts) {
      const name = rule.alert as string;
      expect(sections, `a "### ${name}" section`).toContain(name);
      expect(rule.annotations?.runbook_url, name).toBe(`${DOC}#${anchor(name)}`);
      // The section says something beyond its title.
      const body = alertSection.split(`### ${name}\n`)[1]?.split(/^### /m)[0] ?? "";
      expect(body.trim().length, name).toBeGreaterThan(100);
    }
    // And no section for an alert that no longer exists.
    expect(sections.sort()).toEqual(alerts.map((r) => r.alert).sort());
  });

  it("links only to anchors that exist", () => {
    const anchors = new Set([...headings(2), ...headings(3)].map(anchor));
    for (const [, target] of text.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors, target).toContain(target);
  });
});
