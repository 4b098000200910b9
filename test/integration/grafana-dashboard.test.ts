import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { collectDefaultMetrics, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPrometheus } from "./processes";

/**
 * monitoring/grafana: every PromQL expression of the dashboards (panel targets and template
 * variables) goes to the tests' real Prometheus, which must parse it; a query that finds no data
 * is fine. Every metric a query names must exist: in our code, the Node.js default metrics under
 * our prefixes, our recording rules, or Prometheus's own `up` and the node exporter's.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const GRAFANA = path.join(ROOT, "monitoring/grafana");
const dashboards = readdirSync(path.join(GRAFANA, "dashboards"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(path.join(GRAFANA, "dashboards", f), "utf8")) as Dashboard }));

interface Target {
  expr?: string;
  refId: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  datasource?: { uid: string };
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

/** Grafana's built-in and dashboard variables, replaced the way Grafana would before sending. */
function interpolate(expr: string, variables: Variable[]): string {
  let out = expr.replaceAll("$__rate_interval", "1m").replaceAll("$__interval", "15s").replaceAll("$__range", "1h");
  for (const v of variables) out = out.replaceAll(`\${${v.name}}`, ".+").replaceAll(`$${v.name}`, ".+");
  const left = out.match(/\$\{?\w+/);
  if (left) throw new Error(`unknown variable ${left[0]} in: ${expr}`);
  return out;
}

/** Every expression, named for failure messages: panels (rows included) and query variables' label_values() selectors. */
function expressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const visit = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push({ where: `${d.title} › ${p.title} (${t.refId})`, expr: t.expr ?? "" });
      visit(p.panels ?? []);
    }
  };
  visit(d.panels);
  for (const v of d.templating.list.filter((x) => x.type === "query")) {
    const q = typeof v.query === "string" ? v.query : (v.query?.query ?? "");
    const m = q.match(/^label_values\((.+),\s*(\w+)\)$/);
    if (!m) throw new Error(`variable ${v.name}: only label_values(<selector>, <label>) is checked here, got ${q}`);
    out.push({ where: `${d.title} › variable ${v.name}`, expr: m[1] as string });
  }
  return out;
}

/** Grafana's reference to the dashboard's datasource variable (not a template string). */
const DATASOURCE_UID = ["$", "{datasource}"].join("");

let prometheus: { stop: () => Promise<void> } | null = null;
const prometheusUrl = process.env.PROMETHEUS_URL ?? "";
beforeAll(async () => {
  prometheus = await startPrometheus();
});
afterAll(async () => {
  await prometheus?.stop();
});

/** Metric names that exist: ours from the source, Node.js defaults under our prefixes, recording rules, up, node_*. */
function knownMetrics(): Set<string> {
  const names = new Set<string>(["up"]);
  const source = execFileSync("git", ["grep", "-h", "-o", "-E", 'name: "meshbench_[a-z0-9_]+"', "--", "server", "worker"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  for (const m of source.matchAll(/"(meshbench_[a-z0-9_]+)"/g)) names.add(m[1] as string);
  for (const prefix of ["meshbench_web_", "meshbench_worker_"]) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
    for (const metric of registry.getMetricsAsArray()) names.add(metric.name);
  }
  for (const file of readdirSync(path.join(ROOT, "monitoring/rules"))) {
    const rules = yaml.load(readFileSync(path.join(ROOT, "monitoring/rules", file), "utf8")) as {
      groups: { rules: { record?: string }[] }[];
    };
    for (const g of rules.groups) for (const r of g.rules) if (r.record) names.add(r.record);
  }
  return names;
}

describe("monitoring/grafana", () => {
  it("has dashboards with queries", () => {
    expect(dashboards.length).toBeGreaterThan(0);
    for (const { json } of dashboards) expect(expressions(json).length).toBeGreaterThan(10);
  });

  it("every PromQL expression parses in the tests' real Prometheus", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { json } of dashboards) {
      for (const { where, expr } of expressions(json)) {
        expect(expr.trim(), where).not.toBe("");
        const query = interpolate(expr, json.templating.list);
        const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query })}`);
        const body = (await response.json()) as { status: string; errorType?: string; error?: string };
        checked++;
        if (body.status !== "success") failures.push(`${where}: ${body.errorType}: ${body.error}\n  ${query}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  it("a broken expression is caught: Prometheus refuses it", async () => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: "sum by (le (rate(x[1m]))" })}`);
    const body = (await response.json()) as { status: string; errorType?: string };
    expect(body).toMatchObject({ status: "error", errorType: "bad_data" });
  });

  it("names only metrics that exist", () => {
    const known = knownMetrics();
    const unknown: string[] = [];
    for (const { json } of dashboards) {
      for (const { where, expr } of expressions(json)) {
        for (const m of expr.matchAll(/\b((?:meshbench|node)[a-z0-9_:]*)(?=\s*[{[(]|\s*$|\s*\))/g)) {
          const name = (m[1] as string).replace(/_(bucket|sum|count)$/, "");
          if (name.startsWith("node_")) continue;
          if (!known.has(name)) unknown.push(`${where}: ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it("sends every panel to the dashboard's Prometheus variable, and provisions from where the dashboards are", () => {
    for (const { json } of dashboards) {
      expect(json.templating.list.find((v) => v.name === "datasource")?.type).toBe("datasource");
      const visit = (panels: Panel[]) => {
        for (const p of panels) {
          if (p.type !== "row") expect(p.datasource?.uid, p.title).toBe(DATASOURCE_UID);
          for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe(DATASOURCE_UID);
          visit(p.panels ?? []);
        }
      };
      visit(json.panels);
    }
    const provider = yaml.load(readFileSync(path.join(GRAFANA, "provisioning/dashboards/meshbench.yaml"), "utf8")) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers[0]).toMatchObject({ type: "file", options: { path: expect.stringMatching(/^\//) } });
    const datasources = yaml.load(
      readFileSync(path.join(GRAFANA, "provisioning/datasources/meshbench-prometheus.yaml"), "utf8"),
    ) as {
      datasources: { type: string; url: string }[];
    };
    expect(datasources.datasources[0]?.type).toBe("prometheus");
  });
});
