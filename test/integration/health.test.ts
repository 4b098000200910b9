import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as live } from "~/app/api/health/live/route";
import { GET as ready } from "~/app/api/health/ready/route";
import { PrismaClient } from "~/server/db/generated/client";
import { checkReadiness, type DependencyCheck } from "~/server/health/readiness";
import { webDependencyChecks } from "~/server/health/web-checks";
import { waitFor } from "./helpers";

/** A port nothing listens on: bound, noted, closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("readiness checks against real and unreachable dependencies", () => {
  let silent: Server;
  let silentPort = 0;
  const sockets = new Set<Socket>();
  const clients: { disconnect: () => unknown }[] = [];

  beforeAll(async () => {
    // Accepts connections and never answers: a dependency that hangs rather than refuses.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("answers the web's live and ready endpoints with JSON, uncached", async () => {
    const liveAnswer = live();
    expect(liveAnswer.status).toBe(200);
    expect(await liveAnswer.json()).toEqual({ status: "ok" });
    const readyAnswer = await ready();
    expect(readyAnswer.status).toBe(200);
    expect(readyAnswer.headers.get("cache-control")).toBe("no-store");
    expect(await readyAnswer.json()).toEqual({ status: "ok", checks: { postgres: { status: "ok" }, redis: { status: "ok" } } });
  });

  it("names the dependency that refused and why, without its address", async () => {
    const port = await closedPort();
    const prisma = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: `postgresql://secret-user:secret-pw@127.0.0.1:${port}/x`,
        connectionTimeoutMillis: 1_000,
      }),
    });
    clients.push({ disconnect: () => prisma.$disconnect() });
    const redis = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0, lazyConnect: true });
    redis.on("error", () => undefined);
    clients.push(redis);
    const checks: DependencyCheck[] = [
      { name: "postgres", check: () => prisma.$queryRaw`SELECT 1` },
      { name: "redis", check: () => redis.ping() },
      webDependencyChecks[1] as DependencyCheck,
    ];
    const outcome = await checkReadiness(checks.slice(0, 2), 3_000);
    expect(outcome.status).toBe("unavailable");
    expect(outcome.checks.postgres?.status).toBe("failed");
    expect(outcome.checks.redis?.status).toBe("failed");
    const body = JSON.stringify(outcome);
    expect(body).toMatch(/connection or query failed/);
    for (const leak of [String(port), "127.0.0.1", "secret"]) expect(body).not.toContain(leak);
    // One failing dependency makes the whole answer unavailable, the other still says ok.
    const mixed = await checkReadiness([checks[0] as DependencyCheck, checks[2] as DependencyCheck], 3_000);
    expect(mixed.status).toBe("unavailable");
    expect(mixed.checks.redis).toEqual({ status: "ok" });
  });

  it("gives up on a dependency that does not answer within the timeout", async () => {
    const redis = new Redis(`redis://127.0.0.1:${silentPort}`, { maxRetriesPerRequest: 0, connectTimeout: 10_000 });
    redis.on("error", () => undefined);
    clients.push(redis);
    const started = Date.now();
    const outcome = await checkReadiness([{ name: "redis", check: () => redis.ping() }], 300);
    expect(outcome).toEqual({
      status: "unavailable",
      checks: { redis: { status: "failed", reason: "no answer within 300 ms" } },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("the worker's health endpoints and JSON logs", () => {
  let child: ChildProcess;
  let stdout = "";
  let exited: Promise<number | null>;
  const base = `http://127.0.0.1:${process.env.WORKER_METRICS_PORT}`;

  beforeAll(async () => {
    child = spawn(process.execPath, ["--import", "tsx", "worker/index.ts"], {
      env: { ...process.env, LOG_FORMAT: "json" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
    await waitFor(
      "the worker's /health/ready",
      () =>
        fetch(`${base}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        ),
      30_000,
    );
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });

  it("answers live, and ready with PostgreSQL, Redis and its queue consumers", async () => {
    const liveAnswer = await fetch(`${base}/health/live`);
    expect(liveAnswer.status).toBe(200);
    expect(await liveAnswer.json()).toEqual({ status: "ok" });
    const readyAnswer = await fetch(`${base}/health/ready`);
    expect(await readyAnswer.json()).toEqual({
      status: "ok",
      checks: { postgres: { status: "ok" }, redis: { status: "ok" }, queues: { status: "ok" } },
    });
    expect((await fetch(`${base}/health/nope`)).status).toBe(404);
  });

  it("writes only JSON lines with level, time, service and message when LOG_FORMAT=json", () => {
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/), service: "worker" });
      expect(new Date(String(entry.time)).toISOString()).toBe(entry.time);
      expect(typeof entry.message).toBe("string");
    }
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toContainEqual(
      expect.stringMatching(/^ready \(queue /),
    );
  });

  it("stops consuming on SIGTERM and exits cleanly, logging that in JSON", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const last = stdout.split("\n").filter(Boolean).at(-1) ?? "{}";
    expect(JSON.parse(last)).toMatchObject({
      level: "info",
      service: "worker",
      message: expect.stringMatching(/^SIGTERM received/),
    });
  });
});
