import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * compose.yaml as Docker Compose reads it: `docker-compose config` (Debian's v1) resolves it with
 * the committed example env file in a copy of the files it names, and the result is checked for
 * what the deployment relies on.
 */

interface Service {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string; disable?: boolean };
  read_only?: boolean;
  cap_drop?: string[];
  tmpfs?: string[] | string;
  volumes?: (string | { source?: string; target: string })[];
}

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECRET_NAMES = ["DATABASE_URL", "NEXTAUTH_SECRET", "METRICS_TOKEN", "POSTGRES_PASSWORD", "ADMIN_PASSWORD"];

describe("compose.yaml", () => {
  let dir = "";
  let services: Record<string, Service> = {};
  let rendered = "";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "meshbench-compose-"));
    await mkdir(path.join(dir, "deploy"));
    await copyFile(path.join(ROOT, "compose.yaml"), path.join(dir, "compose.yaml"));
    await copyFile(path.join(ROOT, "deploy/compose.prometheus.yml"), path.join(dir, "deploy/compose.prometheus.yml"));
    // The env file a user writes from the example (the real one is never committed).
    await copyFile(path.join(ROOT, "deploy/compose.env.example"), path.join(dir, "deploy/compose.env"));
    rendered = execFileSync("docker-compose", ["--project-directory", dir, "-f", path.join(dir, "compose.yaml"), "config"], {
      encoding: "utf8",
      env: { ...process.env, MESHBENCH_TAG: "9.9.9" },
    });
    services = (yaml.load(rendered) as { services: Record<string, Service> }).services;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("has web, worker, the migration job, PostgreSQL, Redis and Prometheus, with the images' tag", () => {
    expect(Object.keys(services).sort()).toEqual(["migrate", "postgres", "prometheus", "redis", "web", "worker"]);
    expect(services.web?.image).toBe("meshbench/web:9.9.9");
    expect(services.worker?.image).toBe("meshbench/worker:9.9.9");
    expect(services.migrate?.image).toBe("meshbench/worker:9.9.9");
    expect(services.migrate?.command).toEqual(["node", "--import", "tsx", "scripts/prepare.ts"]);
  });

  it("starts web and worker only after the migrations, and those only once the database and Redis are healthy", () => {
    for (const name of ["web", "worker"]) {
      expect(services[name]?.depends_on).toEqual({ migrate: { condition: "service_completed_successfully" } });
    }
    expect(services.migrate?.depends_on).toEqual({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
    });
    for (const name of ["postgres", "redis", "prometheus"]) expect(services[name]?.healthcheck?.test).toBeDefined();
  });

  it("runs Redis with noeviction, which BullMQ requires", () => {
    const command = services.redis?.command;
    const args = Array.isArray(command) ? command : String(command).split(/\s+/);
    expect(args[args.indexOf("--maxmemory-policy") + 1]).toBe("noeviction");
  });

  it("runs web and worker on a read-only root with every capability dropped, writable only where needed", () => {
    for (const name of ["web", "worker", "migrate"]) {
      expect(services[name]?.read_only, name).toBe(true);
      expect(services[name]?.cap_drop, name).toEqual(["ALL"]);
    }
    expect(services.web?.tmpfs).toEqual(["/tmp", "/app/.next/cache"]);
    expect(services.worker?.tmpfs).toEqual(["/tmp"]);
    const workerVolumes = (services.worker?.volumes ?? []).map((v) => (typeof v === "string" ? v.split(":")[1] : v.target));
    expect(workerVolumes).toContain("/app/var");
  });

  it("takes every secret from the env file, none from compose.yaml itself", async () => {
    const source = yaml.load(await readFile(path.join(ROOT, "compose.yaml"), "utf8")) as { services: Record<string, Service> };
    for (const [name, service] of Object.entries(source.services)) {
      for (const key of Object.keys(service.environment ?? {})) expect(SECRET_NAMES, `${name}: ${key}`).not.toContain(key);
    }
    // The env file the services read reaches them (rendered from the example).
    expect(services.web?.environment?.NEXTAUTH_SECRET).toBeDefined();
    expect(services.worker?.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(services.web?.environment?.REDIS_URL).toBe("redis://redis:6379");
  });

  it("keeps the real env file out of git", () => {
    expect(execFileSync("git", ["check-ignore", "deploy/compose.env"], { cwd: ROOT, encoding: "utf8" }).trim()).toBe(
      "deploy/compose.env",
    );
    expect(execFileSync("git", ["ls-files", "deploy/compose.env"], { cwd: ROOT, encoding: "utf8" }).trim()).toBe("");
  });

  it("gives Prometheus a config that promtool accepts, scraping web and worker under the alert rules' job names", async () => {
    // promtool wants the token file the container writes at start-up; a copy with it beside.
    const config = (await readFile(path.join(ROOT, "deploy/compose.prometheus.yml"), "utf8")).replace(
      "/prometheus/metrics-token",
      path.join(dir, "token"),
    );
    await Promise.all([writeFile(path.join(dir, "prometheus.yml"), config), writeFile(path.join(dir, "token"), "x")]);
    execFileSync("promtool", ["check", "config", path.join(dir, "prometheus.yml")], { encoding: "utf8" });
    const parsed = yaml.load(config) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const jobs = Object.fromEntries(parsed.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]));
    expect(jobs["meshbench-web"]).toEqual(["web:3000"]);
    expect(jobs["meshbench-worker"]).toEqual(["worker:9464"]);
    const rules = await readFile(path.join(ROOT, "monitoring/rules/meshbench.yml"), "utf8");
    for (const job of ["meshbench-web", "meshbench-worker"]) expect(rules).toContain(job);
  });
});
