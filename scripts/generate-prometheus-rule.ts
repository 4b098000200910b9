/**
 * Writes deploy/kubernetes/components/monitoring/prometheus-rule.yaml from monitoring/rules/*.yml:
 * the Prometheus Operator's PrometheusRule carries the same groups, so a cluster alerts exactly
 * as the Prometheus `npm start` runs. Run after editing a rule:
 *   npx tsx scripts/generate-prometheus-rule.ts
 * test/unit/kubernetes-deploy.test.ts fails while the two differ.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const ROOT = path.resolve(import.meta.dirname, "..");
export const RULES_DIR = path.join(ROOT, "monitoring/rules");
export const PROMETHEUS_RULE_FILE = path.join(ROOT, "deploy/kubernetes/components/monitoring/prometheus-rule.yaml");

interface RuleFile {
  groups: unknown[];
}

/** Every group of every rules file, in file-name order. */
export function ruleGroups(dir = RULES_DIR): unknown[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => (yaml.load(readFileSync(path.join(dir, f), "utf8")) as RuleFile).groups);
}

export function prometheusRuleYaml(groups: unknown[]): string {
  const rule = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "meshbench", labels: { "app.kubernetes.io/name": "meshbench" } },
    spec: { groups },
  };
  const header = "# Generated from monitoring/rules by scripts/generate-prometheus-rule.ts: edit the rules there.\n";
  return header + yaml.dump(rule, { lineWidth: -1, quotingType: '"' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  writeFileSync(PROMETHEUS_RULE_FILE, prometheusRuleYaml(ruleGroups()));
  // In the repository's YAML style (biome formats YAML too), so `npm run lint` stays clean.
  execFileSync("npx", ["biome", "format", "--write", PROMETHEUS_RULE_FILE], { cwd: ROOT, stdio: "ignore" });
  console.log(`wrote ${path.relative(ROOT, PROMETHEUS_RULE_FILE)}`);
}
