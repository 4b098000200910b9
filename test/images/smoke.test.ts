import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase } from "~/server/db/migrate";
import { containerLogs, docker, envArgs } from "./docker";

/**
 * The images as a user runs them: the migration job, then web and worker containers (read-only
 * root filesystem, unprivileged) on the host network against this machine's PostgreSQL and Redis,
 * with a database, queue prefix and ports of their own. A run is created through the web's API,
 * goes through the containerized worker's nginx proxy pair to SUCCEEDED, and its PDF report is
 * printed by the worker's Chromium and downloaded through the web.
 */

const TAG = process.env.MESHBENCH_IMAGE_TAG ?? "latest";
const WEB_IMAGE = `meshbench/web:${TAG}`;
const WORKER_IMAGE = `meshbench/worker:${TAG}`;

// Next to the suite's own: the same server, a database and queue of the containers' own.
const DATABASE_URL = (process.env.DATABASE_URL ?? "").replace(/_test$/, "_containers_test");
const QUEUE_PREFIX = `${process.env.QUEUE_PREFIX ?? "meshbench-test"}-containers`;
// 1000 above the suite's own ports: parallel suites on one machine take consecutive ones.
const WEB_PORT = Number(process.env.TEST_IMAGES_WEB_PORT ?? Number(process.env.TEST_PORT ?? 3100) + 1000);
const WORKER_PORT = Number(process.env.TEST_IMAGES_WORKER_PORT ?? Number(process.env.WORKER_METRICS_PORT ?? 9565) + 1000);
const APP_URL = `http://localhost:${WEB_PORT}`;
const ADMIN = { email: "smoke-admin@test.local", password: `pw-${randomBytes(12).toString("hex")}` };
const RUN_NAME = `container smoke ${randomBytes(3).toString("hex")}`;

const suffix = `${process.pid}`;
const WEB = `meshbench-smoke-web-${suffix}`;
const WORKER = `meshbench-smoke-worker-${suffix}`;
/** The worker's /app/var, a volume as in compose.yaml (it takes the image's ownership of the dir). */
const WORKER_VAR = `meshbench-smoke-var-${suffix}`;

const common = {
  DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX,
  // Nothing listens there: the worker's end-of-run metrics snapshot is skipped, as without Prometheus.
  PROMETHEUS_URL: "http://127.0.0.1:9",
};

/** What every container of the smoke test runs with: the host's network, a read-only root. */
const hardening = ["--network", "host", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];

async function poll<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  logsOf: string[],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) {
      const logs = await Promise.all(logsOf.map(async (c) => `── ${c}\n${await containerLogs(c)}`));
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}\n${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A client of the web container's HTTP API with a session cookie. */
class AppClient {
  private cookies = new Map<string, string>();

  private store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    return { origin: APP_URL, ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(pathname: string): Promise<Response> {
    return fetch(`${APP_URL}${pathname}`, { headers: this.headers(), redirect: "manual" });
  }

  async logIn(email: string, password: string): Promise<void> {
    const csrf = await this.get("/api/auth/csrf");
    this.store(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const response = await fetch(`${APP_URL}/api/auth/callback/credentials`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/x-www-form-urlencoded" }),
      body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
      redirect: "manual",
    });
    this.store(response);
    expect(
      [...this.cookies.keys()].some((k) => k.includes("session-token")),
      "a session cookie",
    ).toBe(true);
  }

  async mutation<T>(procedure: string, input: unknown): Promise<T> {
    const response = await fetch(`${APP_URL}/api/trpc/${procedure}`, {
      method: "POST",
      headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify({ json: input }),
    });
    const body = (await response.json()) as { result?: { data: { json: T } }; error?: unknown };
    if (!response.ok || !body.result) throw new Error(`${procedure}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
    return body.result.data.json;
  }
}

describe("the web and worker images against real PostgreSQL and Redis", () => {
  let sql: pg.Client;
  let work = "";
  const app = new AppClient();

  beforeAll(async () => {
    if (!new URL(DATABASE_URL).pathname.endsWith("_containers_test")) throw new Error(`Refusing to reset ${DATABASE_URL}`);
    work = await mkdtemp(path.join(os.tmpdir(), "meshbench-smoke-"));
    await ensureDatabase(DATABASE_URL);
    sql = new pg.Client({ connectionString: DATABASE_URL });
    await sql.connect();
    await sql.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    for (const name of [WEB, WORKER]) await docker("rm", "-f", name).catch(() => undefined);
  });

  afterAll(async () => {
    // Always: a container left behind would hold the ports and keep consuming the queue.
    for (const name of [WEB, WORKER]) await docker("rm", "-f", name).catch(() => undefined);
    await docker("volume", "rm", "-f", WORKER_VAR).catch(() => undefined);
    await sql?.end();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("migrates the database and seeds the admin with the migration job (worker image, one shot)", async () => {
    const output = await docker(
      "run",
      "--rm",
      ...hardening,
      "--tmpfs",
      "/tmp",
      ...envArgs({ ...common, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SEED_DEMO_RUNS: "false" }),
      WORKER_IMAGE,
      "node",
      "--import",
      "tsx",
      "scripts/prepare.ts",
    );
    expect(output).toMatch(/migrations: \d+ applied/);
    const { rows } = await sql.query(`SELECT role FROM "User" WHERE email = $1`, [ADMIN.email]);
    expect(rows).toEqual([{ role: "ADMIN" }]);
  });

  it("starts web and worker unprivileged on a read-only root, and both report ready", async () => {
    await docker(
      "run",
      "-d",
      "--name",
      WORKER,
      ...hardening,
      "--tmpfs",
      "/tmp",
      "-v",
      `${WORKER_VAR}:/app/var`,
      "--shm-size",
      "256m",
      ...envArgs({ ...common, WORKER_METRICS_PORT: String(WORKER_PORT), WORKER_METRICS_HOST: "127.0.0.1" }),
      WORKER_IMAGE,
    );
    await docker(
      "run",
      "-d",
      "--name",
      WEB,
      ...hardening,
      "--tmpfs",
      "/tmp",
      "--tmpfs",
      "/app/.next/cache:mode=1777",
      ...envArgs({
        ...common,
        PORT: String(WEB_PORT),
        // Loopback only: on the host's network the default (every interface) would expose it.
        HOSTNAME: "127.0.0.1",
        NEXTAUTH_URL: APP_URL,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      }),
      WEB_IMAGE,
    );
    const web = await poll("the web's readiness", async () => (await fetch(`${APP_URL}/api/health/ready`)).ok, 90_000, [WEB]);
    expect(web).toBe(true);
    const ready = await poll(
      "the worker's readiness",
      async () => {
        const r = await fetch(`http://127.0.0.1:${WORKER_PORT}/health/ready`);
        return r.ok && r.json();
      },
      90_000,
      [WORKER],
    );
    expect(ready).toEqual({
      status: "ok",
      checks: { postgres: { status: "ok" }, redis: { status: "ok" }, queues: { status: "ok" } },
    });
    expect(await (await fetch(`${APP_URL}/api/health/live`)).json()).toEqual({ status: "ok" });

    for (const name of [WEB, WORKER]) {
      expect(await docker("exec", name, "id", "-u")).toBe("10001");
      // The root filesystem refuses writes; the app's writable places are the tmpfs mounts.
      await expect(docker("exec", name, "sh", "-c", "touch /app/written")).rejects.toThrow(/Read-only file system/);
    }
    await docker("exec", WEB, "sh", "-c", "touch /tmp/written /app/.next/cache/written");
    await docker("exec", WORKER, "sh", "-c", "touch /tmp/written /app/var/written");
  });

  it("serves the login page", async () => {
    const response = await fetch(`${APP_URL}/login`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Log in");
    expect(response.headers.get("content-security-policy")).toContain("nonce-");
  });

  it("takes a run created through the API to SUCCEEDED in the worker container, through its nginx pair", async () => {
    await app.logIn(ADMIN.email, ADMIN.password);
    const { id } = await app.mutation<{ id: string }>("runs.create", {
      name: RUN_NAME,
      spec: {
        mesh: "nginx",
        mode: "fixed-rate",
        rate: 200,
        connections: 2,
        durationSeconds: 2,
        warmupSeconds: 0,
        payloadBytes: 64,
        repetitions: 1,
      },
    });
    const run = await poll(
      "the run to finish",
      async () => {
        const { rows } = await sql.query<{ status: string; error: string | null }>(
          `SELECT status, error FROM "BenchmarkRun" WHERE id = $1`,
          [id],
        );
        const row = rows[0];
        return row && ["SUCCEEDED", "FAILED", "CANCELLED"].includes(row.status) ? row : null;
      },
      120_000,
      [WORKER],
    );
    expect(run, await containerLogs(WORKER)).toEqual({ status: "SUCCEEDED", error: null });
    const { rows } = await sql.query<{ requests: string; proxies: number }>(
      `SELECT count::text AS requests,
              (SELECT count(*)::int FROM jsonb_array_elements(components) c WHERE c->>'role' = 'proxy') AS proxies
         FROM "RunResult" WHERE "runId" = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.requests)).toBeGreaterThan(300);
    expect(rows[0]?.proxies).toBe(2);

    // The worker's logs are JSON lines, and the run's carry its id.
    const lines = (await containerLogs(WORKER, 2000)).split("\n").filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries)
      expect(entry).toMatchObject({ service: "worker", level: expect.any(String), time: expect.any(String) });
    expect(entries.some((e) => e.runId === id && e.job === "run")).toBe(true);

    // A PDF report of it, printed by the worker's Chromium, downloaded through the web.
    const { reports } = await app.mutation<{ reports: { id: string }[] }>("reports.generate", { runIds: [id], formats: ["PDF"] });
    const reportId = reports[0]?.id ?? "";
    const report = await poll(
      "the PDF report",
      async () => {
        const r = await sql.query<{ status: string; error: string | null }>(`SELECT status, error FROM "Report" WHERE id = $1`, [
          reportId,
        ]);
        const row = r.rows[0];
        return row && ["SUCCEEDED", "FAILED", "CANCELLED"].includes(row.status) ? row : null;
      },
      120_000,
      [WORKER],
    );
    expect(report, await containerLogs(WORKER)).toEqual({ status: "SUCCEEDED", error: null });
    const download = await app.get(`/api/reports/${reportId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await download.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const file = path.join(work, "report.pdf");
    await writeFile(file, pdf);
    expect(execFileSync("pdftotext", [file, "-"], { encoding: "utf8" })).toContain(RUN_NAME);
  });

  it("reports both containers healthy through the images' own HEALTHCHECK", async () => {
    for (const name of [WEB, WORKER]) {
      const status = await poll(
        `${name} to be healthy`,
        async () => (await docker("inspect", "-f", "{{.State.Health.Status}}", name)) === "healthy",
        60_000,
        [name],
      );
      expect(status).toBe(true);
    }
  });
});
